import Foundation
import TrailCrypto

/// What `LedgerVerifier` is asked to check.
public struct VerifyOptions: Sendable {
    /// Trust anchors given out of band (`--trust`); each must be listed in the genesis `anchors`.
    public var trust: [Certificate]
    /// Report lines that are valid JSON but not in RFC 8785 canonical form.
    public var strict = false
    public var maxLineLength = Record.defaultMaxLineLength
    /// A previously saved checkpoint note the ledger must extend (`--since`).
    public var since: String?
    /// Lines handled per parallel batch.
    public var batchSize = 256
    public var parallel = true
    /// Findings kept in full per code; the rest are only counted (`VerificationReport.omitted`), so a hostile
    /// file cannot make the report, the output or the memory grow with its number of bad lines.
    public var maxFindingsPerCode = 100

    public init(trust: [Certificate]) { self.trust = trust }
}

/// Who signed a statement, as the ledger registered them.
public struct SignerInfo: Sendable, Equatable {
    public var fingerprint: String
    public var organization: String?
    public var commonName: String?
    public var roles: [Role]
}

/// A statement record as verification saw it, handed to the compliance layer in ledger order.
public struct VerifiedStatement: Sendable {
    public var seq: Int
    public var time: LedgerTime
    /// Hex SHA-256 of the record's line (what a retraction names).
    public var lineHash: String
    public var checked: CheckedStatement?
    public var signers: [SignerInfo]
    /// False when any integrity finding concerns this record (it is then evaluated without).
    public var intact: Bool
    /// The codes of the integrity findings on this record.
    public var findingCodes: [String]
    /// What `LedgerVerifier.prepare` returned for the statement, computed in the parallel phase.
    public var prepared: (any Sendable)? = nil
    /// The in-toto statement when it decodes but its predicate or manifest does not (`checked` is then nil): it still
    /// names the shipment the broken statement is about.
    public var undecoded: Statement? = nil
    /// Byte offset of the record's line in the ledger file (-1 for a candidate not yet written).
    public var offset: Int64 = -1
}

/// A checkpoint the ledger holds.
public struct CheckpointInfo: Sendable, Equatable {
    public var seq: Int
    public var size: Int
    /// Lowercase hex root.
    public var root: String
    /// The signed note (operator signature; the cosigned form when a cosignature record exists).
    public var note: String
    /// Fingerprints of the auditor certificates with a valid cosignature on it.
    public var witnesses: [String]
    /// Witness key names, for display.
    public var witnessNames: [String]
}

/// A saved checkpoint the ledger was proven to extend.
public struct SinceCheckpoint: Sendable, Equatable {
    public var size: Int
    /// Lowercase hex root hash.
    public var root: String
}

/// Everything `ledger verify` learned.
public struct VerificationReport: Sendable {
    /// Complete lines (the tree size).
    public var records = 0
    /// Lowercase hex RFC 6962 root over every complete line.
    public var root = ""
    public var origin: String?
    public var findings: [Finding] = []
    /// Findings beyond `VerifyOptions.maxFindingsPerCode`, counted by code (not kept).
    public var omitted: [String: Int] = [:]
    public var latestCheckpoint: CheckpointInfo?
    public var tornTailOffset: Int64?
    /// The `--since` checkpoint, when the ledger was proven to extend it (operator signature, origin, and the root of
    /// its first `size` records); nil without `--since` or when that check failed (then a finding says why).
    public var since: SinceCheckpoint?

    public var errors: [Finding] { findings.filter { $0.severity == .error } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    public var integrityOK: Bool { errors.isEmpty && omittedErrors == 0 }
    /// Omitted findings that are errors (every code but the warning codes is an error).
    var omittedErrorCodes: Set<String> = []
    public var omittedErrors: Int { omitted.filter { omittedErrorCodes.contains($0.key) }.reduce(0) { $0 + $1.value } }

    /// Adds `f`, or counts it when `limit` findings of its code are already kept.
    mutating func add(_ f: Finding, limit: Int) {
        let code = f.code.rawValue
        let kept = keptPerCode[code, default: 0]
        if kept < limit {
            keptPerCode[code] = kept + 1
            findings.append(f)
        } else {
            omitted[code, default: 0] += 1
            if f.severity == .error { omittedErrorCodes.insert(code) }
        }
    }
    var keptPerCode: [String: Int] = [:]
}
