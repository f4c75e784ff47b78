import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// `ledger publish --tiles`, reading a published log (directory or HTTP) in `ledger verify` / `ledger prove`, and
/// `ledger monitor`, with a real HTTP server on 127.0.0.1 (python3 -m http.server) and an independent reader
/// (interop/tiles/reader.py, written from the C2SP text).
@Suite(.serialized) struct TilesCLITests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Appends `count` CRL records by the intermediate (CRL numbers from `first`), with `serials` random serials each.
    static func grow(_ f: CLILedgerFixture, ledger: String? = nil, count: Int, first: Int, serials: Int = 1, minute: Int) throws {
        var items: [AppendItem] = []
        for n in first..<(first + count) {
            let revoked = (0..<serials).map { _ in
                CRL.Entry(
                    serialHex: "7f" + Hex.encode((0..<15).map { _ in UInt8.random(in: 0...255) }),
                    revocationDate: PartyPKI.notBefore, reason: nil)
            }
            items.append(.crl(try CRLBuilder.build(
                issuer: f.pki.intermediate, issuerKey: f.pki.intermediateKey, revoked: revoked, crlNumber: n,
                thisUpdate: PartyPKI.notBefore, nextUpdate: PartyPKI.notAfter)))
        }
        _ = try Ledger.append(path: ledger ?? f.ledger, operatorKey: f.pki.operatorParty.key, items: items, time: Samples.time(minute))
    }

    static func json(_ s: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(s.utf8)) as! [String: Any]
    }

    /// A python3 HTTP server on a free port of 127.0.0.1 serving `dir` (or answering every request with `status`).
    final class Server {
        let process = Process()
        let port: Int
        var url: String { "http://127.0.0.1:\(port)" }

        init(directory: String, status: Int? = nil, gzip: Bool = false, hang: Bool = false) throws {
            let probe = try runProcess(
                "/usr/bin/env",
                ["python3", "-c", "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])"])
            port = Int(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            if let status {
                let script = """
                    import http.server, sys
                    class H(http.server.BaseHTTPRequestHandler):
                        def do_GET(self):
                            self.send_response(\(status)); self.send_header('Content-Length', '5'); self.end_headers(); self.wfile.write(b'oops\\n')
                        def log_message(self, *a): pass
                    http.server.HTTPServer(('127.0.0.1', \(port)), H).serve_forever()
                    """
                process.arguments = ["python3", "-c", script]
            } else if hang {
                // Accepts connections and never answers.
                process.arguments = ["python3", "-c", "import socket,time;s=socket.socket();s.bind(('127.0.0.1',\(port)));s.listen(50);c=[s.accept() for _ in range(50)];time.sleep(600)"]
            } else if gzip {
                // Every file gzip-encoded when the request accepts it (as nginx with `gzip on`); 404 otherwise.
                let script = """
                    import http.server, gzip, os, sys
                    root = sys.argv[1]
                    class H(http.server.BaseHTTPRequestHandler):
                        def do_GET(self):
                            p = os.path.join(root, self.path.lstrip('/'))
                            if not os.path.isfile(p):
                                self.send_response(404); self.send_header('Content-Length', '0'); self.end_headers(); return
                            data = open(p, 'rb').read()
                            self.send_response(200)
                            if 'gzip' in self.headers.get('Accept-Encoding', ''):
                                data = gzip.compress(data); self.send_header('Content-Encoding', 'gzip')
                            self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)
                        def log_message(self, *a): pass
                    http.server.HTTPServer(('127.0.0.1', \(port)), H).serve_forever()
                    """
                process.arguments = ["python3", "-c", script, directory]
            } else {
                process.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", directory]
            }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 {
                let r = try runProcess("/usr/bin/env", ["python3", "-c", "import socket;socket.create_connection(('127.0.0.1',\(port)),1)"])
                if r.status == 0 { return }
                usleep(50_000)
            }
            Issue.record("the HTTP server on port \(port) did not start")
        }

        deinit {
            // SIGKILL: a child of Foundation's Process inherits the spawning thread's blocked signals, SIGTERM among them.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func publish(_ ledger: String, _ dir: String) throws -> [String: Any] {
        let r = try chiptrail(["ledger", "publish", ledger, "--tiles", dir, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try Self.json(r.stdout)
    }

    @Test func publishedLayoutMatchesTheC2SPTextAndTheIndependentReader() throws {
        let f = try CLILedgerFixture()
        try Self.grow(f, count: 300, first: 1, minute: 2)
        try Self.grow(f, count: 1, first: 301, serials: 4000, minute: 3)  // a ~130 KB CRL line
        let pub = f.dir.file("pub")
        let p = try publish(f.ledger, pub)
        let size = p["treeSize"] as! Int
        #expect(size == 306)  // genesis, checkpoint, cert, checkpoint, 300 CRLs, checkpoint, the large CRL
        #expect(p["largeEntries"] as? Int == 1)
        let fm = FileManager.default
        for path in ["checkpoint", "tail.jsonl", "tile/0/000", "tile/0/001.p/50", "tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/50"] {
            #expect(fm.fileExists(atPath: pub + "/" + path), "\(path)")
        }
        #expect(try fm.attributesOfItem(atPath: pub + "/tile/0/000")[.size] as? Int == 8192)
        #expect(try fm.attributesOfItem(atPath: pub + "/tile/0/001.p/50")[.size] as? Int == 50 * 32)
        // The large line is a 33-byte reference in its bundle and a file named by its SHA-256.
        let lines = try String(contentsOfFile: f.ledger, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        let large = lines[size - 1]
        #expect(large.count > 65_535)
        let largePath = pub + "/tile/entries/large/" + Hex.encode(Digest.sha256(large))
        #expect(fm.contents(atPath: largePath).map { [UInt8]($0) } == large)
        // The tail is the checkpoint record (seq = tree size) and what follows it.
        #expect(try String(contentsOfFile: pub + "/tail.jsonl", encoding: .utf8) == String(decoding: lines[size...].flatMap { $0 + [0x0A] }, as: UTF8.self))
        // The checkpoint's root is the tree of the first `size` lines, as the independent reader recomputes it.
        let r = try runProcess("/usr/bin/env", ["python3", Self.repo + "/interop/tiles/reader.py", pub, "--lines", f.dir.file("py.jsonl")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("OK: \(size) entries, root \(p["root"] as! String), 3 tiles checked, 1 large entries"))
        #expect(try f.dir.read("py.jsonl") == Array(lines[..<size].flatMap { $0 + [0x0A] }))
    }

    @Test func republishingAfterAnAppendWritesOnlyWhatChanged() throws {
        let f = try CLILedgerFixture()
        try Self.grow(f, count: 300, first: 1, minute: 2)
        let pub = f.dir.file("pub")
        let first = try publish(f.ledger, pub)
        #expect(first["treeSize"] as? Int == 304)
        let fullTile = pub + "/tile/0/000"
        let before = try FileManager.default.attributesOfItem(atPath: fullTile)[.modificationDate] as! Date
        let again = try publish(f.ledger, pub)
        #expect((again["written"] as! [String]).isEmpty)
        try Self.grow(f, count: 3, first: 301, minute: 3)
        let third = try publish(f.ledger, pub)
        #expect(third["treeSize"] as? Int == 308)
        // New partial tiles and bundle, the tail, and the checkpoint last; no full tile rewritten.
        let written = Set(third["written"] as! [String])
        #expect(written == ["tile/entries/001.p/52", "tile/0/001.p/52", "tail.jsonl", "checkpoint"])
        #expect((third["written"] as! [String]).last == "checkpoint")
        #expect(try FileManager.default.attributesOfItem(atPath: fullTile)[.modificationDate] as! Date == before)
        // The older partial tile stays, for readers holding the older checkpoint.
        #expect(FileManager.default.fileExists(atPath: pub + "/tile/0/001.p/48"))
        // A rewritten history is refused over an existing publication.
        let fork = try CLILedgerFixture()
        try Self.grow(fork, count: 300, first: 1, minute: 2)
        let r = try chiptrail(["ledger", "publish", fork.ledger, "--tiles", pub])
        #expect(r.status == 1)
        #expect(r.stderr.contains("tiles-mismatch"))
    }

    @Test func verifyAndProveFromTilesOverHTTP() throws {
        let f = try CLILedgerFixture()
        try Self.grow(f, count: 300, first: 1, minute: 2)
        try Self.grow(f, count: 1, first: 301, serials: 4000, minute: 3)
        let pub = f.dir.file("pub")
        _ = try publish(f.ledger, pub)
        let server = try Server(directory: pub)
        for format in ["text", "json"] {
            let file = try chiptrail(["ledger", "verify", f.ledger, "--trust", f.root, "--format", format])
            let tiles = try chiptrail(["ledger", "verify", server.url, "--trust", f.root, "--format", format])
            let dir = try chiptrail(["ledger", "verify", pub, "--trust", f.root, "--format", format])
            #expect(file.status == 0 && tiles.status == 0 && dir.status == 0, "\(tiles.stdout)\(tiles.stderr)")
            // The same report; only the input's name differs.
            #expect(tiles.stdout.replacingOccurrences(of: server.url, with: f.ledger) == file.stdout)
            #expect(dir.stdout.replacingOccurrences(of: pub, with: f.ledger) == file.stdout)
        }
        // A tlog-proof from tiles: the same proof as from the file, from the checkpoint, one bundle and O(log n) tiles.
        let fromFile = try chiptrail(["ledger", "prove", f.ledger, "--tlog-proof", "--seq", "200", "--out", f.dir.file("a.proof")])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let fromTiles = try chiptrail(["ledger", "prove", server.url, "--tlog-proof", "--seq", "200", "--out", f.dir.file("b.proof"), "--format", "json"])
        #expect(fromTiles.status == 0, "\(fromTiles.stderr)")
        #expect(try f.dir.read("a.proof") == f.dir.read("b.proof"))
        let fetched = try Self.json(fromTiles.stdout)["fetched"] as! [String]
        #expect(fetched == ["checkpoint", "tile/entries/000", "tile/0/000", "tile/0/001.p/50"])
        // The large entry round-trips through HTTP.
        let large = try chiptrail(["ledger", "prove", server.url, "--tlog-proof", "--seq", "305", "--out", f.dir.file("c.proof"), "--format", "json"])
        #expect(large.status == 0, "\(large.stderr)")
        #expect((try Self.json(large.stdout)["fetched"] as! [String]).contains { $0.hasPrefix("tile/entries/large/") })
    }

    @Test func badResponsesAndBadTilesGiveClearCodes() throws {
        let f = try CLILedgerFixture()
        try Self.grow(f, count: 20, first: 1, minute: 2)
        let pub = f.dir.file("pub")
        _ = try publish(f.ledger, pub)
        let env = ["CHIPTRAIL_TILES_TIMEOUT": "5"]
        // HTTP 500 on every request: retried, then tiles-fetch-failed (exit 74).
        do {
            let s = try Server(directory: pub, status: 500)
            let r = try chiptrail(["ledger", "verify", s.url, "--trust", f.root], environment: env)
            #expect(r.status == 74, "\(r.stderr)")
            #expect(r.stderr.contains("tiles-fetch-failed") && r.stderr.contains("HTTP 500"), "\(r.stderr)")
        }
        do {
            let s = try Server(directory: pub, status: 403)
            let r = try chiptrail(["ledger", "verify", s.url, "--trust", f.root], environment: env)
            #expect(r.status == 74)
            #expect(r.stderr.contains("HTTP 403"), "\(r.stderr)")
        }
        // A server that never answers: each request times out (CHIPTRAIL_TILES_TIMEOUT), is retried, then fails.
        do {
            let s = try Server(directory: pub, hang: true)
            let start = Date()
            let r = try chiptrail(["ledger", "verify", s.url, "--trust", f.root], environment: ["CHIPTRAIL_TILES_TIMEOUT": "1"])
            #expect(r.status == 74, "\(r.stderr)")
            #expect(r.stderr.contains("tiles-fetch-failed") && r.stderr.contains("after 3 attempts"), "\(r.stderr)")
            #expect(Date().timeIntervalSince(start) < 20)
        }
        // A wrong base URL: 404, tiles-missing (exit 66).
        let s = try Server(directory: pub)
        let missing = try chiptrail(["ledger", "verify", s.url + "/nope", "--trust", f.root], environment: env)
        #expect(missing.status == 66, "\(missing.stderr)")
        #expect(missing.stderr.contains("tiles-missing"))
        // Nothing listening: tiles-fetch-failed.
        let closed = try chiptrail(["ledger", "verify", "http://127.0.0.1:9/", "--trust", f.root], environment: env)
        #expect(closed.status == 74)
        #expect(closed.stderr.contains("tiles-fetch-failed"))
        // An altered entry no longer hashes to its tile: tiles-mismatch (exit 1).
        let bundle = pub + "/tile/entries/000.p/24"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bundle)))
        bytes[bytes.count - 3] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: bundle))
        let bad = try chiptrail(["ledger", "verify", s.url, "--trust", f.root], environment: env)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("tiles-mismatch"), "\(bad.stderr)")
        // A truncated tile: tiles-malformed.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: pub + "/tile/0/000.p/24"))
        let short = try chiptrail(["ledger", "verify", s.url, "--trust", f.root], environment: env)
        #expect(short.status == 65)
        #expect(short.stderr.contains("tiles-malformed"), "\(short.stderr)")
    }

    @Test func monitorFollowsGrowthAndCatchesAFork() throws {
        let f = try CLILedgerFixture()
        try Self.grow(f, count: 10, first: 1, minute: 2)
        let served = f.dir.file("served")
        _ = try publish(f.ledger, served)
        let server = try Server(directory: served)
        let state = f.dir.file("state")
        let first = try chiptrail(["ledger", "monitor", server.url, "--trust", f.root, "--state", state, "--format", "json"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(try Self.json(first.stdout)["treeSize"] as? Int == 14)
        #expect(try Self.json(first.stdout)["resumedFrom"] is NSNull)
        // Keep a copy of the ledger as it is now, to fork from.
        let forkLedger = f.dir.file("fork.jsonl")
        try FileManager.default.copyItem(atPath: f.ledger, toPath: forkLedger)

        // Grow (300 CRLs, a CRL line over 65,535 bytes, and a statement appended with `ledger append`), publish
        // again, monitor: consistent, only the new entries fetched, the new shipment reported.
        try Self.grow(f, count: 300, first: 11, minute: 3)
        try Self.grow(f, count: 1, first: 311, serials: 4000, minute: 4)
        let env = try Samples.envelope(.supplySufficiency, predicate: Samples.supply(), signers: [f.pki.exporter])
        let envFile = try f.dir.write("supply.json", env.jsonText, mode: 0o644)
        let append = try chiptrail(["ledger", "append", f.ledger, envFile, "--operator-key", f.operatorKey])
        #expect(append.status == 0, "\(append.stderr)")
        let republished = try publish(f.ledger, served)
        #expect(republished["largeEntries"] as? Int == 1)
        let second = try chiptrail(["ledger", "monitor", server.url, "--trust", f.root, "--state", state, "--format", "json"])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let o = try Self.json(second.stdout)
        #expect(o["previousSize"] as? Int == 14)
        #expect(o["newEntries"] as? Int == 305)  // 300 CRLs, checkpoint, the large CRL, checkpoint, the statement
        // Verified incrementally: after the 14 tree lines and the checkpoint record of the first run's tail.
        #expect(o["resumedFrom"] as? Int == 15, "\(o)")
        #expect(o["integrity"] as? String == "ok")
        let changes = try #require(o["changes"] as? [[String: Any]])
        #expect(changes.count == 1 && changes.first?["shipment"] as? String == "SHP-0001")
        #expect(changes.first?["old"] is NSNull && changes.first?["new"] as? String == "pending", "\(changes)")
        // Only the new entries: a bundle and tiles from the old size on, not every bundle again.
        #expect((o["fetched"] as? Int ?? 99) <= 12, "\(o)")
        // Nothing new: consistent, no change, nothing but the checkpoint and tiles fetched.
        let quiet = try chiptrail(["ledger", "monitor", server.url, "--trust", f.root, "--state", state])
        #expect(quiet.status == 0, "\(quiet.stdout)\(quiet.stderr)")
        #expect(quiet.stdout.contains("consistent with the last one seen (size 319); 0 new entries"), "\(quiet.stdout)")
        #expect(quiet.stdout.contains("no shipment status changed"))
        let saved = try String(contentsOfFile: state + "/checkpoint", encoding: .utf8)
        #expect(saved == (try String(contentsOfFile: served + "/checkpoint", encoding: .utf8)))

        // A fork: the old ledger grown differently, published at the same URL.
        try Self.grow(f, ledger: forkLedger, count: 320, first: 11, minute: 3)
        try FileManager.default.removeItem(atPath: served)
        _ = try publish(forkLedger, served)
        let third = try chiptrail(["ledger", "monitor", server.url, "--trust", f.root, "--state", state])
        #expect(third.status == 1, "\(third.stdout)\(third.stderr)")
        #expect(third.stderr.contains("inconsistent-with-checkpoint"), "\(third.stderr)")
        #expect(third.stderr.contains("valid operator signature"), "\(third.stderr)")
        let evidence = try FileManager.default.contentsOfDirectory(atPath: state + "/evidence")
        #expect(evidence.count == 1)
        let dir = state + "/evidence/" + evidence[0]
        #expect(try String(contentsOfFile: dir + "/old.checkpoint", encoding: .utf8) == saved)
        #expect(try String(contentsOfFile: dir + "/new.checkpoint", encoding: .utf8) == String(contentsOfFile: served + "/checkpoint", encoding: .utf8))
        // The state still holds the last consistent checkpoint: the next run says the same.
        #expect(try String(contentsOfFile: state + "/checkpoint", encoding: .utf8) == saved)
        #expect(try chiptrail(["ledger", "monitor", server.url, "--trust", f.root, "--state", state]).status == 1)
    }

    /// Builds interop/go/checktiles.go (Go's sumdb/tlog reading the published tiles) in GOPATH mode against the
    /// system copy of x/mod, as GoNoteInteropTests does for checknote.go.
    static func goChecker(in dir: TempDir) throws -> String {
        let out = dir.file("checktiles")
        let r = try runProcess(
            "/usr/bin/env", ["go", "build", "-o", out, Self.repo + "/interop/go/checktiles.go"],
            environment: ["GO111MODULE": "off", "GOPATH": "/usr/share/gocode", "GOCACHE": dir.file("gocache"), "GOFLAGS": ""])
        #expect(r.status == 0, "go build failed (apt-get install golang-go golang-golang-x-mod-dev): \(r.stderr)")
        return out
    }

    @Test func goTlogReadsThePublishedTilesAndProvesConsistency() throws {
        let f = try CLILedgerFixture()
        let tool = try Self.goChecker(in: f.dir)
        try Self.grow(f, count: 550, first: 1, minute: 2)
        try Self.grow(f, count: 1, first: 551, serials: 4000, minute: 3)  // a line over 65,535 bytes
        let pub = f.dir.file("pub")
        let p = try publish(f.ledger, pub)
        #expect(p["treeSize"] as? Int == 556)
        // Level 0: two full tiles and a partial of 44; level 1: a partial of 2 (the hashes of the two full tiles).
        for path in ["tile/0/000", "tile/0/001", "tile/0/002.p/44", "tile/1/000.p/2", "tile/entries/002.p/44"] {
            #expect(FileManager.default.fileExists(atPath: pub + "/" + path), "\(path)")
        }
        let r = try runProcess(tool, [pub])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("go tiles OK: 556 entries, 4 tiles, 1 large entries"), "\(r.stdout)")
        let old = f.dir.file("old.checkpoint")
        try FileManager.default.copyItem(atPath: pub + "/checkpoint", toPath: old)
        // Grown and published again: tlog proves the old tree a prefix of the new one from the published tiles.
        try Self.grow(f, count: 3, first: 552, minute: 4)
        _ = try publish(f.ledger, pub)
        let grown = try runProcess(tool, [pub, old])
        #expect(grown.status == 0, "\(grown.stdout)\(grown.stderr)")
        #expect(grown.stdout.contains("go tiles OK: 560 entries") && grown.stdout.contains("consistent with 556"), "\(grown.stdout)")
        // The Python reader (from the C2SP text) agrees.
        let py = try runProcess("/usr/bin/env", ["python3", Self.repo + "/interop/tiles/reader.py", pub])
        #expect(py.status == 0, "\(py.stdout)\(py.stderr)")
        #expect(py.stdout.contains("OK: 560 entries, root \(try publish(f.ledger, pub)["root"] as! String), 4 tiles checked, 1 large entries"), "\(py.stdout)")
    }

    @Test func monitorCatchesAForkOfTheSameSize() throws {
        let f = try CLILedgerFixture()
        try Self.grow(f, count: 10, first: 1, minute: 2)
        let served = f.dir.file("served")
        _ = try publish(f.ledger, served)
        let state = f.dir.file("state")
        let forkLedger = f.dir.file("fork.jsonl")
        try FileManager.default.copyItem(atPath: f.ledger, toPath: forkLedger)
        #expect(try chiptrail(["ledger", "monitor", served, "--trust", f.root, "--state", state]).status == 0)
        try Self.grow(f, count: 20, first: 11, minute: 3)
        _ = try publish(f.ledger, served)
        let grown = try chiptrail(["ledger", "monitor", served, "--trust", f.root, "--state", state])
        #expect(grown.status == 0, "\(grown.stdout)\(grown.stderr)")
        let saved = try String(contentsOfFile: state + "/checkpoint", encoding: .utf8)
        // Another 20 CRLs (other serials) on the old ledger: the same tree size, another root.
        try Self.grow(f, ledger: forkLedger, count: 20, first: 11, minute: 3)
        try FileManager.default.removeItem(atPath: served)
        let fork = try publish(forkLedger, served)
        #expect(saved.contains("\n\(fork["treeSize"] as! Int)\n"))
        let r = try chiptrail(["ledger", "monitor", served, "--trust", f.root, "--state", state])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("inconsistent-with-checkpoint"), "\(r.stderr)")
        let evidence = try FileManager.default.contentsOfDirectory(atPath: state + "/evidence")
        #expect(evidence.count == 1)
        let dir = state + "/evidence/" + evidence[0]
        #expect(try String(contentsOfFile: dir + "/old.checkpoint", encoding: .utf8) == saved)
        #expect(try String(contentsOfFile: dir + "/new.checkpoint", encoding: .utf8) == String(contentsOfFile: served + "/checkpoint", encoding: .utf8))
        #expect(try String(contentsOfFile: state + "/checkpoint", encoding: .utf8) == saved)
        // Go's tlog sees the same: the saved tree is not the published one.
        let tool = try Self.goChecker(in: f.dir)
        let go = try runProcess(tool, [served, dir + "/old.checkpoint"])
        #expect(go.status == 1 && go.stdout.contains("CheckTree"), "\(go.stdout)\(go.stderr)")
    }

    @Test func bundleVerifyProvesItsCheckpointOnThePublishedLogOverGzip() throws {
        let dir = TempDir()
        let demo = try chiptrail(["demo", "--dir", dir.file("demo")])
        #expect(demo.status == 0 || demo.status == 2, "\(demo.stderr)")
        let ledger = dir.file("demo/ledger.jsonl"), root = dir.file("demo/root.pem"), pub = dir.file("pub")
        let bundle = dir.file("b.json")
        #expect(try chiptrail(["ledger", "prove", ledger, "--shipment", "SHP-2026-0001", "--out", bundle]).status == 0)
        _ = try publish(ledger, pub)
        let server = try Server(directory: pub, gzip: true)
        let r = try chiptrail(["bundle", "verify", bundle, "--trust", root, "--log", server.url, "--format", "json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let log = try #require(try Self.json(r.stdout)["log"] as? [String: Any])
        #expect(log["consistent"] as? Bool == true && log["treeSize"] as? Int == 53, "\(log)")
        let text = try chiptrail(["bundle", "verify", bundle, "--trust", root, "--log", server.url])
        #expect(text.stdout.contains("the bundle's tree is a prefix of it"), "\(text.stdout)")
        // Verifying the whole log through gzip-encoded responses gives the file's report.
        let a = try chiptrail(["ledger", "verify", ledger, "--trust", root, "--format", "json"])
        let b = try chiptrail(["ledger", "verify", server.url, "--trust", root, "--format", "json"])
        #expect(a.status == b.status)
        #expect(b.stdout.replacingOccurrences(of: server.url, with: ledger) == a.stdout)
        // A log that publishes another tree of that size: the bundle's checkpoint is not on it (exit 1).
        let other = TempDir()
        let demo2 = try chiptrail(["demo", "--dir", other.file("demo")])
        #expect(demo2.status == 0 || demo2.status == 2)
        let r2 = try chiptrail(["bundle", "verify", bundle, "--trust", root, "--log", other.file("pub-missing")])
        #expect(r2.status == 66, "\(r2.stderr)")  // not a published log: nothing there
        _ = try publish(other.file("demo/ledger.jsonl"), other.file("pub"))
        let forked = try chiptrail(["bundle", "verify", bundle, "--trust", root, "--log", other.file("pub")])
        #expect(forked.status == 1, "\(forked.stdout)\(forked.stderr)")
        #expect(forked.stderr.contains("inconsistent-with-checkpoint"), "\(forked.stderr)")
    }

    @Test func monitorEveryFewSecondsFollowsTheLogAndOutlivesAnOutage() throws {
        let f = try CLILedgerFixture()
        try Self.grow(f, count: 5, first: 1, minute: 2)
        let served = f.dir.file("served")
        _ = try publish(f.ledger, served)
        var server: Server? = try Server(directory: served)
        let url = server!.url
        let out = f.dir.file("monitor.out"), err = f.dir.file("monitor.err")
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chiptrailPath)
        p.arguments = ["ledger", "monitor", url, "--trust", f.root, "--state", f.dir.file("state"), "--every", "1", "--format", "json"]
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle(forWritingAtPath: err)
        try p.run()
        defer {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        func wait(for file: String, _ what: String, _ ok: (String) -> Bool) -> Bool {
            for _ in 0..<300 {
                if let d = FileManager.default.contents(atPath: file), ok(String(decoding: d, as: UTF8.self)) { return true }
                usleep(100_000)
            }
            Issue.record("no \(what) in \(file)")
            return false
        }
        #expect(wait(for: out, "first report") { $0.contains("\"treeSize\":9") })
        try Self.grow(f, count: 3, first: 6, minute: 3)
        _ = try publish(f.ledger, served)
        #expect(wait(for: out, "report of the growth") { $0.contains("\"newEntries\":4,\"previousSize\":9") })
        // The server goes away: each run says so on stderr, and the monitor keeps going.
        server = nil
        #expect(wait(for: err, "fetch failure") { $0.components(separatedBy: "tiles-fetch-failed").count > 2 })
        #expect(p.isRunning)
        _ = server
    }

    @Test func monitorPrintsNewAndChangedShipments() throws {
        let dir = TempDir()
        let demo = try chiptrail(["demo", "--dir", dir.file("demo")])
        #expect(demo.status == 0 || demo.status == 2, "\(demo.stderr)")
        _ = try publish(dir.file("demo/ledger.jsonl"), dir.file("pub"))
        let r = try chiptrail(["ledger", "monitor", dir.file("pub"), "--trust", dir.file("demo/root.pem"), "--state", dir.file("st")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("new shipment SHP-2026-0001: compliant"))
        #expect(r.stdout.contains("new shipment SHP-2026-0005: violation"))
        // A changed status (edited saved state stands in for an earlier run) is reported as a change.
        try Data("{\"SHP-2026-0001\":\"pending\"}\n".utf8).write(to: URL(fileURLWithPath: dir.file("st/statuses.json")))
        let again = try chiptrail(["ledger", "monitor", dir.file("pub"), "--trust", dir.file("demo/root.pem"), "--state", dir.file("st")])
        #expect(again.status == 0)
        #expect(again.stdout.contains("changed shipment SHP-2026-0001: pending → compliant"), "\(again.stdout)")
        #expect(again.stdout.contains("0 new entries"))
    }
}

