import Dispatch

/// Maps `0..<count` in parallel on every core, keeping order.
func parallelMap<T>(_ count: Int, parallel: Bool = true, _ body: (Int) -> T) -> [T] {
    if !parallel || count < 64 { return (0..<count).map(body) }
    return [T](unsafeUninitializedCapacity: count) { buf, initialized in
        let box = UnsafeBox(buf.baseAddress!)
        // Chunks keep scheduling overhead small relative to one signature check.
        let chunk = 16
        let chunks = (count + chunk - 1) / chunk
        withoutActuallyEscaping(body) { body in
            let b = BodyBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                    (box.base + i).initialize(to: b.body(i))
                }
            }
        }
        initialized = count
    }
}

/// `@unchecked Sendable`: each index of the buffer is written by exactly one iteration, and the buffer outlives
/// `concurrentPerform`, which returns only when every iteration has finished.
private struct UnsafeBox<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ b: UnsafeMutablePointer<T>) { base = b }
}

/// `@unchecked Sendable`: the bodies passed in only read shared state that no one mutates during the map.
private struct BodyBox<T>: @unchecked Sendable {
    let body: (Int) -> T
    init(_ b: @escaping (Int) -> T) { body = b }
}
