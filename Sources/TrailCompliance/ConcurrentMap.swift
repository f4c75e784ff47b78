import Dispatch

/// `body(0..<count)` on every core, results in order; the first error thrown (by index) is rethrown.
/// The bodies must only read shared state.
func concurrentMap<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
    if count < 2 { return try (0..<count).map(body) }
    var results = [Result<T, Error>?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buf in
        let out = SendableBuffer(buf.baseAddress!)
        withoutActuallyEscaping(body) { body in
            let b = SendableBody(body)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                (out.base + i).pointee = Result { try b.body(i) }
            }
        }
    }
    return try results.map { try $0!.get() }
}

/// `@unchecked Sendable`: each index is written by exactly one iteration, and the buffer outlives
/// `concurrentPerform`, which returns only when every iteration has finished.
private struct SendableBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ b: UnsafeMutablePointer<T>) { base = b }
}

/// `@unchecked Sendable`: the bodies passed in only read state that no one mutates during the map.
private struct SendableBody<T>: @unchecked Sendable {
    let body: (Int) throws -> T
    init(_ b: @escaping (Int) throws -> T) { body = b }
}
