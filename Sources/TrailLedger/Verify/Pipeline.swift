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

/// The reader side of `LedgerVerifier.run`: reads lines into batches and runs each batch's parallel phase.
/// `@unchecked Sendable`: after `start` only the producer thread touches the reader.
final class BatchProducer: @unchecked Sendable {
    private let reader: LineReader
    private let options: VerifyOptions
    private let prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?
    private let handoff: Handoff<Stage>
    /// The certificates registered so far, as the verifying thread last published them.
    private let known: Locked<[String: RegisteredCertificate]>

    init(
        reader: LineReader, options: VerifyOptions, prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?,
        handoff: Handoff<Stage>, known: Locked<[String: RegisteredCertificate]>
    ) {
        self.reader = reader
        self.options = options
        self.prepare = prepare
        self.handoff = handoff
        self.known = known
    }

    func run() {
        var batch: [LedgerVerifier.Slot] = []
        batch.reserveCapacity(options.batchSize)
        var reached: Int64 = 0
        func ship() -> Bool {
            guard !batch.isEmpty else { return true }
            let prepared = LedgerVerifier.prepareBatch(batch, options: options, prepare: prepare, known: known.get())
            batch.removeAll(keepingCapacity: true)
            return handoff.put(.batch(prepared, reached: reached))
        }
        defer { handoff.close() }
        do {
            while let item = try reader.next() {
                switch item {
                case .line(let index, let offset, let bytes):
                    batch.append(LedgerVerifier.Slot(index: index, offset: offset, line: bytes))
                    reached = offset + Int64(bytes.count) + 1
                    if batch.count == options.batchSize, !ship() { return }
                case .tornTail(let offset, let length):
                    guard ship() else { return }
                    _ = handoff.put(.tornTail(offset: offset, length: length))
                }
            }
            _ = ship()
        } catch let e as TrailError where e.code == "line-too-long" {
            guard ship() else { return }
            _ = handoff.put(.lineTooLong(e))
        } catch {
            _ = handoff.put(.failure(error))
        }
    }
}

/// The producer side of `LedgerVerifier.check(candidates:)`: batches already in memory, prepared in order.
/// `@unchecked Sendable`: after the thread starts only it reads `batches`.
final class PreparedWork: @unchecked Sendable {
    private let batches: [[LedgerVerifier.Slot]]
    private let options: VerifyOptions
    private let prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?
    private let known: Locked<[String: RegisteredCertificate]>
    private let handoff: Handoff<[LedgerVerifier.Slot]>

    init(
        batches: [[LedgerVerifier.Slot]], options: VerifyOptions, prepare: (@Sendable (CheckedStatement) -> (any Sendable)?)?,
        known: Locked<[String: RegisteredCertificate]>, handoff: Handoff<[LedgerVerifier.Slot]>
    ) {
        self.batches = batches
        self.options = options
        self.prepare = prepare
        self.known = known
        self.handoff = handoff
    }

    func run() {
        defer { handoff.close() }
        for b in batches {
            let prepared = LedgerVerifier.prepareBatch(b, options: options, prepare: prepare, known: known.get())
            guard handoff.put(prepared) else { return }
        }
    }
}
