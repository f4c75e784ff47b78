import Foundation
import Testing
import TrailCrypto
import TrailLedger
import TrailTestSupport

/// Issue 15: pipes, bounded and root-cause-first output, terminal safety, repair of non-ledgers, exit statuses.
@Suite struct HostileInputCLITests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let sample = repo + "/Ledger/h200-sample.jsonl"
    static let sampleRoot = repo + "/Keys/root.pem"

    func bash(_ script: String, _ args: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try runProcess("/bin/bash", ["-c", script, chiptrailPath] + args, environment: environment)
    }

    // MARK: 1. Pipes

    /// The sample holds a retraction (seq 40) and a cosignature (seq 54), whose checks read earlier lines back by
    /// offset: read from a pipe they gave false tamper reports. Every way of piping it gives the file's verdict.
    @Test func pipedLedgerGetsTheFilesVerdict() throws {
        let args = ["--trust", Self.sampleRoot, "--format", "json"]
        let file = try chiptrail(["ledger", "verify", Self.sample] + args)
        #expect(file.status == 2, "\(file.stderr)")
        #expect(file.stdout.contains("\"integrity\":\"ok\""))
        let bytes = try FileIO.read(Self.sample)
        let dash = try chiptrail(["ledger", "verify", "-"] + args, stdin: bytes)
        let devStdin = try chiptrail(["ledger", "verify", "/dev/stdin"] + args, stdin: bytes)
        let substituted = try bash(
            "\"$0\" ledger verify <(gzip -c \"$1\" | gunzip -c) --trust \"$2\" --format json",
            [Self.sample, Self.sampleRoot])
        for r in [dash, devStdin, substituted] {
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stdout == file.stdout)
            #expect(r.stderr == "")
        }
        // Text output differs only in the name it shows.
        let text = try chiptrail(["ledger", "verify", Self.sample, "--trust", Self.sampleRoot])
        let textDash = try chiptrail(["ledger", "verify", "-", "--trust", Self.sampleRoot], stdin: bytes)
        #expect(textDash.status == 2)
        #expect(
            textDash.stdout
                == text.stdout.replacingOccurrences(of: "ledger     \(Self.sample)\n", with: "ledger     stdin\n"))
    }

    @Test func namedFIFOWithAWriterAndThePrivateCopyIsRemoved() throws {
        let dir = TempDir()
        let tmp = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: false)
        let fifo = dir.file("ledger.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let bytes = try FileIO.read(Self.sample)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            _ = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
            close(fd)
        }
        writer.start()
        let r = try chiptrail(
            ["ledger", "verify", fifo, "--trust", Self.sampleRoot, "--format", "json"], environment: ["TMPDIR": tmp])
        let file = try chiptrail(["ledger", "verify", Self.sample, "--trust", Self.sampleRoot, "--format", "json"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout == file.stdout)
        // The private copy (and its directory) is gone once the command ends.
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [])
        // ledger show and ledger checkpoint read pipes too.
        let show = try chiptrail(["ledger", "show", "-", "--seq", "0", "--raw"], stdin: bytes)
        #expect(show.status == 0)
        #expect(show.stdout == String(decoding: bytes.split(separator: 0x0A)[0], as: UTF8.self) + "\n")
        let cp = try chiptrail(["ledger", "checkpoint", "-"], stdin: bytes)
        #expect(cp.status == 0)
        #expect(cp.stdout == (try chiptrail(["ledger", "checkpoint", Self.sample])).stdout)
        // A bundle proved from a pipe is the bundle proved from the file (its index lived in the private copy's
        // directory, gone with it); bundle verify reads one from stdin.
        let fromFile = dir.file("file.bundle.json")
        let fromPipe = dir.file("pipe.bundle.json")
        // (A copy of the sample, so that its sidecar index is not written into the repository.)
        let copy = dir.file("sample.jsonl")
        try Data(bytes).write(to: URL(fileURLWithPath: copy))
        #expect(try chiptrail(["ledger", "prove", copy, "--shipment", "SHP-2026-0001", "--out", fromFile]).status == 0)
        let proved = try chiptrail(
            ["ledger", "prove", "-", "--shipment", "SHP-2026-0001", "--out", fromPipe], stdin: bytes,
            environment: ["TMPDIR": tmp])
        #expect(proved.status == 0, "\(proved.stderr)")
        #expect(try FileIO.read(fromPipe) == (try FileIO.read(fromFile)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [])
        let bundle = try chiptrail(
            ["bundle", "verify", "-", "--trust", Self.sampleRoot], stdin: try FileIO.read(fromPipe))
        #expect(bundle.status == 0, "\(bundle.stderr)")
        #expect(bundle.stdout.hasPrefix("bundle     stdin\nsubject    shipment:SHP-2026-0001\n"))
    }

    /// A FIFO nobody writes to: on a terminal the command says what it waits for (run under `script`, a pty).
    @Test func fifoWithoutAWriterSaysWhatItWaitsFor() throws {
        let dir = TempDir()
        let fifo = dir.file("nobody.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let command = "'\(chiptrailPath)' ledger verify '\(fifo)' --trust '\(Self.sampleRoot)'"
        let r = try runProcess("/usr/bin/timeout", ["4", "script", "-qec", command, "/dev/null"])
        #expect(r.status == 124)
        #expect(
            r.stdout.contains("chiptrail: waiting for a writer on the FIFO \(fifo) (press Ctrl-C to stop)"),
            "\(r.stdout)")
    }

    @Test func devicesAndDirectoriesAreRefused() throws {
        let dev = try chiptrail(["ledger", "verify", "/dev/null", "--trust", Self.sampleRoot])
        #expect(dev.status == 66)
        #expect(
            dev.stderr == """
                chiptrail: /dev/null: error[not-a-regular-file]: /dev/null is a device or socket, not a ledger file or a pipe
                  hint: name the ledger file, or pipe it in with `-`

                """)
        let dir = TempDir()
        let d = try chiptrail(["ledger", "verify", dir.path, "--trust", Self.sampleRoot])
        #expect(d.status == 66 && d.stderr.contains("error[not-a-regular-file]: \(dir.path) is a directory"))
        let missing = try chiptrail(["ledger", "verify", dir.file("none.jsonl"), "--trust", Self.sampleRoot])
        #expect(missing.status == 66)
        #expect(missing.stderr.hasPrefix("chiptrail: \(dir.file("none.jsonl")): error[no-such-file]: "))
        // Appending to a pipe makes no sense: refused before anything is read from it.
        let key = try dir.write("op.key", try PrivateKey.generate(.ed25519).pem(passphrase: nil))
        let append = try chiptrail(["ledger", "append", "/dev/null", "--operator-key", key, "--crl", "x"])
        #expect(append.status == 66, "\(append.stderr)")
    }

    // MARK: 2. Root cause first, bounded output

    @Test func wrongTrustGivesTheRootCauseAndACount() throws {
        let r = try chiptrail(["ledger", "verify", Self.sample, "--trust", Self.repo + "/Keys/certs/auditor.pem"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 13, "\(r.stdout)")
        #expect(r.stdout.contains("integrity  FAILED (3 errors)\n"))
        #expect(
            r.stdout.contains(
                ":1: seq 0: error[untrusted-ledger]: none of the --trust certificates is an anchor of this ledger; its genesis lists SHA-256 "
            ))
        #expect(
            r.stdout.contains(
                ":2: seq 1: error[unverifiable-records]: the 54 records after the genesis were not checked"))
        #expect(
            r.stdout.hasSuffix(
                "\nshipments  not evaluated: no record after the genesis could be checked (see the seq 0 finding)\n"))
        #expect(!r.stdout.contains("pending"))
        let json = try chiptrail([
            "ledger", "verify", Self.sample, "--trust", Self.repo + "/Keys/certs/auditor.pem", "--format", "json",
        ])
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"shipments\":[]"))
    }

    @Test func aKeyFileAsTrustSaysNoCertificate() throws {
        let dir = TempDir()
        let pem = try PrivateKey.generate(.ed25519).pem(passphrase: nil)
        let key = try dir.write("lab.key", pem)
        let r = try chiptrail(["ledger", "verify", Self.sample, "--trust", key])
        #expect(r.status == 65)
        #expect(
            r.stderr == """
                chiptrail: \(key): error[no-certificate]: no certificate in \(key): it holds a private key, not a certificate
                  hint: give the PEM or DER certificate file (-----BEGIN CERTIFICATE-----)

                """)
        #expect(r.stdout == "")
        // Nothing of the key is shown.
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        #expect(!body.isEmpty && body.allSatisfy { !r.stderr.contains($0) })
    }

    /// A file of `{}` lines has no genesis: that is the one root cause, and the rest is a count.
    @Test func noGenesisIsTheRootCauseOfEverythingAfterIt() throws {
        let dir = TempDir()
        let empty = try dir.write("empty.jsonl", String(repeating: "{}\n", count: 150))
        let j = try chiptrail(["ledger", "verify", empty, "--trust", Self.sampleRoot, "--format", "json"])
        #expect(j.status == 1)
        let o = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any] ?? [:]
        let errors = (o["errors"] as? [[String: Any]] ?? []).map { "\($0["code"] ?? "")@\($0["seq"] ?? "")" }
        #expect(errors == ["malformed-record@0", "unverifiable-records@1"])
    }

    @Test func findingsBeyondTheLimitAreCountedInTextAndJSON() throws {
        let dir = TempDir()
        // A trusted genesis, then 150 lines that are not records: each is a finding of its own.
        let genesis = try String(contentsOfFile: Self.sample, encoding: .utf8).split(separator: "\n")[0]
        let empty = try dir.write("empty.jsonl", genesis + "\n" + String(repeating: "{}\n", count: 150))
        let r = try chiptrail(["ledger", "verify", empty, "--trust", Self.sampleRoot, "--max-findings", "3"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("integrity  FAILED (151 errors)\n"))
        #expect(r.stdout.components(separatedBy: "error[malformed-record]").count == 4)
        #expect(
            r.stdout.hasSuffix(
                "\n… and 147 more [malformed-record] (not listed; --max-findings N lists up to N per code)\n"))
        let j = try chiptrail([
            "ledger", "verify", empty, "--trust", Self.sampleRoot, "--max-findings", "3", "--format", "json",
        ])
        #expect(j.status == 1)
        let o = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(o["omitted"] as? [String: Int] == ["malformed-record": 147])
        #expect((o["errors"] as? [Any])?.count == 4)  // 3 malformed-record and no-checkpoint
        // The default keeps 100 per code.
        let d = try chiptrail(["ledger", "verify", empty, "--trust", Self.sampleRoot, "--format", "json"])
        let od = try JSONSerialization.jsonObject(with: Data(d.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(od["omitted"] as? [String: Int] == ["malformed-record": 50])
        let bad = try chiptrail(["ledger", "verify", empty, "--trust", Self.sampleRoot, "--max-findings", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--max-findings must be between 1 and 1000000 (got 0)"))
    }

    /// One deleted line: the seq-mismatch at the gap is listed first, the later records' shifts counted under it.
    @Test func aDeletedLineIsOneRootCauseWithItsConsequencesCounted() throws {
        let dir = TempDir()
        var lines = try FileIO.read(Self.sample).split(separator: 0x0A).map { Array($0) + [0x0A] }
        lines.remove(at: 19)
        let cut = dir.file("cut.jsonl")
        try Data(lines.flatMap { $0 }).write(to: URL(fileURLWithPath: cut))
        let r = try chiptrail(["ledger", "verify", cut, "--trust", Self.sampleRoot])
        #expect(r.status == 1)
        let findings = r.stdout.split(separator: "\n").filter { $0.hasPrefix(cut) || $0.hasPrefix("  ") }.map(
            String.init)
        #expect(
            findings.prefix(3) == [
                "\(cut):20: seq 19: error[seq-mismatch]: the record says seq 20 but stands at seq 19 (a line was deleted, duplicated or moved)",
                "  + 48 consequences of this shift: 14 checkpoint-size-mismatch, 34 seq-mismatch at seq 20–53 (listed with --format json)",
                "\(cut):20: seq 19: error[prev-mismatch]: prev is db9367e3d8f62ca0…, the previous line hashes to 835ef6a71344c2eb… (the previous line was altered, removed or reordered)",
            ], "\(r.stdout)")
        // Errors come before warnings.
        let firstWarning = findings.firstIndex { $0.contains(": warning[") } ?? findings.count
        let lastError = findings.lastIndex { $0.contains(": error[") } ?? 0
        #expect(lastError < firstWarning)
        #expect(r.stdout.contains("integrity  FAILED (51 errors)\n"))
    }

    // MARK: 6. repair touches only ledgers

    @Test func repairRefusesAFileThatIsNotALedger() throws {
        let dir = TempDir()
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("IHDR and more bytes".utf8)
        let path = dir.file("x.png")
        try Data(png).write(to: URL(fileURLWithPath: path))
        let r = try chiptrail(["ledger", "repair", path])
        #expect(r.status == 65)
        #expect(
            r.stderr == """
                chiptrail: \(path):1: error[not-a-ledger]: \(path) does not start with a genesis record: it is not a chiptrail ledger; nothing was changed
                  hint: check the path; `ledger repair` only removes a torn final line from a ledger

                """)
        #expect(try FileIO.read(path) == png)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.png"])
        let v = try chiptrail(["ledger", "verify", path, "--trust", Self.sampleRoot])
        #expect(v.status == 1)
        #expect(v.stdout.contains("error[torn-tail]"))
        #expect(!v.stdout.contains("run `chiptrail ledger repair"))
        #expect(
            v.stdout.contains(
                "  hint: \(path) does not start with a genesis record: it is not a chiptrail ledger, and `ledger repair` refuses it\n"
            ))
    }

    @Test func repairStillRepairsALedger() throws {
        let dir = TempDir()
        let path = dir.file("l.jsonl")
        let bytes = try FileIO.read(Self.sample)
        try Data(bytes + Array("{\"v\":1,\"seq\":55".utf8)).write(to: URL(fileURLWithPath: path))
        let r = try chiptrail(["ledger", "repair", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout
                == "moved 15 torn bytes at offset \(bytes.count) to \(path).torn-\(bytes.count); \(path) ends at its last complete line\n"
        )
        #expect(try FileIO.read(path) == bytes)
    }

    // MARK: 8. Exit statuses

    @Test func exitStatusesFollowSysexits() throws {
        let w = try BundleCLITests.World()
        let p = w.pki
        let dir = w.dir
        let manifest = try dir.write("m.json", String(decoding: Samples.manifest(), as: UTF8.self))
        let labKey = try dir.write("lab.key", try p.lab.key.pem(passphrase: nil))
        let labCert = dir.file("lab.pem")
        // A predicate of the wrong shape is a malformed input file: 65 (it was 1).
        let predicate = try dir.write("p.json", #"{"lab":5}"#)
        let attest = try chiptrail([
            "attest", "lab-test", "--manifest", manifest, "--predicate", predicate, "--key", labKey, "--cert", labCert,
            "--out", dir.file("e.json"),
        ])
        #expect(attest.status == 65, "\(attest.stderr)")
        #expect(attest.stderr.contains("error[malformed-predicate]"))
        // A witness the ledger has not registered is not permitted to cosign: 77.
        let other = try p.party(roles: [.auditor], subject: "CN=Second Auditor,O=Audit Two LLP,C=US")
        let otherKey = try dir.write("a2.key", try other.key.pem(passphrase: nil))
        let otherCert = try dir.write("a2.pem", other.cert.pem, mode: 0o644)
        let cosign = try chiptrail([
            "ledger", "cosign", w.ledger, "--key", otherKey, "--cert", otherCert, "--trust", w.root, "--out",
            dir.file("c.txt"),
        ])
        #expect(cosign.status == 77, "\(cosign.stderr)")
        #expect(cosign.stderr.contains("error[witness-not-registered]"))
        // A missing input file: 66; a certificate file with no certificate: 65; a usage error: 64.
        let missing = try chiptrail(["cert", "show", dir.file("nope.pem")])
        #expect(missing.status == 66 && missing.stderr.contains("error[no-such-file]"), "\(missing.stderr)")
        let policy = try dir.write("policy.json", #"{"maxTPP":"high"}"#)
        let badPolicy = try chiptrail(["ledger", "verify", w.ledger, "--trust", w.root, "--policy", policy])
        #expect(badPolicy.status == 65, "\(badPolicy.stderr)")
        let usage = try chiptrail(["ledger", "verify", w.ledger])
        #expect(usage.status == 64 && usage.stderr.contains("error[no-trust-anchor]"))
    }
}
