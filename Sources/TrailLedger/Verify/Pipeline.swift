import Foundation
import TrailCrypto

/// What the reader thread hands to the verifying thread, in file order.
enum Stage {
    /// A batch after its parallel phase, and the byte offset just after its last line.
    case batch([LedgerVerifier.Slot], reached: Int64)
    case tornTail(offset: Int64, length: Int)
    case lineTooLong(TrailError)
    case failure(Error)
}

/// A bounded first-in-first-out hand-over between two threads. `close` ends it from either side: a producer's
/// `put` then fails, and a consumer's `take` returns what is left, then nil.
final class Handoff<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false once the hand-over is closed.
    func put(_ item: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Waits for an item; nil when closed and drained.
    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A value shared between threads behind a lock.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T

    init(_ v: T) { value = v }
    func get() -> T { lock.withLock { value } }
    func set(_ v: T) { lock.withLock { value = v } }
    func update(_ body: (inout T) -> Void) { lock.withLock { body(&value) } }
}

/// The producing side of the verifier's pipeline: forms batches — from the ledger file (`run`) or from candidate
/// lines already in memory (`check(candidates:)`) — and runs each batch's parallel phase.
/// `@unchecked Sendable`: after the thread starts only it touches the source.
final class BatchProducer: @unchecked Sendable {
    enum Source {
        case file(LineReader)
        case batches([[LedgerVerifier.Slot]])
    }

    private let source: Source
    private let options: VerifyOptions
    private let prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?
    private let handoff: Handoff<Stage>
    /// The certificates registered so far, as the verifying thread last published them.
    private let known: Locked<[String: RegisteredCertificate]>

    init(
        source: Source, options: VerifyOptions, prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?,
        handoff: Handoff<Stage>, known: Locked<[String: RegisteredCertificate]>
    ) {
        self.source = source
        self.options = options
        self.prepare = prepare
        self.handoff = handoff
        self.known = known
    }

    /// Prepares `batch` and hands it over; false once the verifying thread has stopped.
    private func ship(_ batch: [LedgerVerifier.Slot]) -> Bool {
        guard let last = batch.last else { return true }
        let prepared = LedgerVerifier.prepareBatch(batch, options: options, prepare: prepare, known: known.get())
        return handoff.put(.batch(prepared, reached: last.offset + Int64(last.line.count) + 1))
    }

    func run() {
        defer { handoff.close() }
        switch source {
        case .batches(let batches):
            for b in batches where !ship(b) { return }
        case .file(let reader):
            var batch: [LedgerVerifier.Slot] = []
            batch.reserveCapacity(options.batchSize)
            func flush() -> Bool {
                defer { batch.removeAll(keepingCapacity: true) }
                return ship(batch)
            }
            do {
                while let item = try reader.next() {
                    switch item {
                    case .line(let index, let offset, let bytes):
                        batch.append(LedgerVerifier.Slot(index: index, offset: offset, line: bytes))
                        if batch.count == options.batchSize, !flush() { return }
                    case .tornTail(let offset, let length):
                        guard flush() else { return }
                        _ = handoff.put(.tornTail(offset: offset, length: length))
                    }
                }
                _ = flush()
            } catch let e as TrailError where e.code == "line-too-long" {
                guard flush() else { return }
                _ = handoff.put(.lineTooLong(e))
            } catch {
                _ = handoff.put(.failure(error))
            }
        }
    }
}
