import Foundation
import Testing
import TrailCrypto

@testable import TrailLedger

/// The verifier's in-memory history: every key added is found after the tables grow and the chunks fill, keys never
/// added are not, and lines come back by offset.
@Suite struct MemoryHistoryTests {
    static func key(_ tag: String, _ i: Int) -> StatementKey { StatementKey(Digest.sha256(Array("\(tag) \(i)".utf8))) }

    @Test func keysSurviveGrowthAndChunking() throws {
        let h = MemoryHistory(path: "/nonexistent")
        // Past several table doublings (1024 → 262144 slots) and into a second 65536-entry chunk.
        let n = 70_000
        for i in 0..<n {
            h.addStatement(envelope: Self.key("env", i), line: Self.key("line", i), offset: Int64(i), pending: Array("line \(i)".utf8))
        }
        for i in stride(from: 0, to: n, by: 7) {
            #expect(h.containsEnvelope(Self.key("env", i)))
            #expect(try h.statementLine(Self.key("line", i)) == Array("line \(i)".utf8))
        }
        for i in n..<(n + 2000) {
            #expect(!h.containsEnvelope(Self.key("env", i)))
            #expect(try h.statementLine(Self.key("line", i)) == nil)
        }
        // An envelope key is not a line key.
        #expect(try h.statementLine(Self.key("env", 3)) == nil)
        #expect(!h.containsEnvelope(Self.key("line", 3)))
    }

    @Test func linesAreReadBackFromTheLedgerFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.jsonl").path
        try Data("first line\nsecond line\n".utf8).write(to: URL(fileURLWithPath: path))
        let h = MemoryHistory(path: path)
        h.addStatement(envelope: Self.key("env", 1), line: Self.key("line", 1), offset: 11, pending: nil)
        h.addCheckpoint(seq: 0, offset: 0, pending: nil)
        #expect(try h.statementLine(Self.key("line", 1)) == Array("second line".utf8))
        #expect(try h.checkpointLine(seq: 0) == Array("first line".utf8))
        #expect(try h.checkpointLine(seq: 1) == nil)
    }
}
