import Dispatch
import Foundation
import TrailCrypto
import TrailLedger

/// Single-thread cost of the verify hot path's building blocks, for profiling.
enum Micro {
    static func run() throws {
        let message = [UInt8](repeating: 0x41, count: 1500)
        for alg in [KeyAlgorithm.ed25519, .p256] {
            let k = try PrivateKey.generate(alg)
            let sig = try k.sign(message)
            let pub = k.publicKey
            let n = 5000
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<n { precondition(pub.verify(signature: sig, for: message)) }
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            print(String(format: "%@ verify: %.1f µs/op (%.0f/s one core)", alg.name, dt / Double(n) * 1e6, Double(n) / dt))
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<20000 { _ = Merkle.leafHash(message) }
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "leafHash(1500 B): %.2f µs/op", dt / 20000 * 1e6))
    }
}
