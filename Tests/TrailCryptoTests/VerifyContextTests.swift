import Dispatch
import Foundation
import Testing
import TrailCrypto

/// Verification reuses pooled OpenSSL contexts per key (ECDSA and Ed25519): a failed check must not poison the
/// next one, and keys are checked from many threads at once.
@Suite struct VerifyContextTests {
    @Test(arguments: [KeyAlgorithm.ed25519, .p256, .p384])
    func answersStayRightWhenContextsAreReused(_ alg: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(alg)
        let pub = key.publicKey
        let message = Array("chiptrail statement".utf8)
        let sig = try key.sign(message)
        var bad = sig
        bad[bad.count / 2] ^= 0x01
        for _ in 0..<20 {
            #expect(pub.verify(signature: sig, for: message))
            #expect(!pub.verify(signature: bad, for: message))
            #expect(!pub.verify(signature: sig, for: message + [0]))
            #expect(!pub.verify(signature: [], for: message))
        }
    }

    @Test(arguments: [KeyAlgorithm.ed25519, .p256])
    func concurrentChecksOfOneKeyAgree(_ alg: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(alg)
        let pub = key.publicKey
        let messages = (0..<64).map { Array("message \($0)".utf8) }
        let sigs = try messages.map { try key.sign($0) }
        let results = ResultBox(count: 512)
        DispatchQueue.concurrentPerform(iterations: 512) { i in
            let m = i % 64
            // Odd iterations check a signature against the wrong message.
            let ok = pub.verify(signature: sigs[m], for: messages[i % 2 == 0 ? m : (m + 1) % 64])
            results.set(i, ok)
        }
        for i in 0..<512 { #expect(results.get(i) == (i % 2 == 0), "iteration \(i)") }
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Bool]
    init(count: Int) { values = Array(repeating: false, count: count) }
    func set(_ i: Int, _ v: Bool) { lock.withLock { values[i] = v } }
    func get(_ i: Int) -> Bool { lock.withLock { values[i] } }
}
