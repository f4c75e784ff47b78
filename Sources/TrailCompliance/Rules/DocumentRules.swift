import TrailCrypto
import TrailLedger

/// A value in a manifest or predicate that the compliance rules refuse, named by its JSON field path.
public struct DocumentProblem: Sendable, Equatable {
    /// A `ViolationCode`: `manifest-quantity-invalid`, `manifest-serials-invalid` or `predicate-value-invalid`.
    public var code: String
    /// The field, as a JSON path below the document (`quantity`, `serials[3]`, `measured.tpp`).
    public var field: String
    public var message: String
    public init(code: String, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}

/// The value rules of the manifest and the predicates (SPEC.md §8.4, §5): one place, called by evaluation
/// (`ComplianceEvaluator.fact`, reported by `ManifestRule`) and by `chiptrail attest` before it signs.
///
/// Structure (types, required fields) is checked by `CheckedStatement` when the statement is decoded; these are the
/// ranges a well-typed document must also respect.
public enum DocumentRules {
    /// Most units one manifest may list.
    public static let maxQuantity = 10_000_000
    /// Bound of any unit count a predicate reports (US units shipped, unfilled orders, license maximum).
    public static let maxCount: Int = 1_000_000_000_000
    /// Bound of a measured or declared figure (TPP, GB/s, GB).
    public static let maxFigure: Double = 1e12

    /// The manifest's problems: quantity in 1…`maxQuantity`, exactly `quantity` distinct non-empty serials
    /// (distinct as UTF-8 byte strings), declared figures in range.
    public static func problems(manifest m: Manifest) -> [DocumentProblem] {
        var out: [DocumentProblem] = []
        if m.quantity < 1 || m.quantity > maxQuantity {
            out.append(
                DocumentProblem(
                    code: ViolationCode.manifestQuantityInvalid, field: "quantity",
                    message: "quantity \(m.quantity) is not an integer in 1…\(maxQuantity)"))
        }
        var seen: Set<[UInt8]> = []
        var duplicates = 0
        var firstDuplicate: Int?
        var firstEmpty: Int?
        for (i, s) in m.serials.enumerated() {
            if s.utf8.isEmpty, firstEmpty == nil { firstEmpty = i }
            if !seen.insert(Array(s.utf8)).inserted {
                duplicates += 1
                if firstDuplicate == nil { firstDuplicate = i }
            }
        }
        if let i = firstEmpty {
            out.append(
                DocumentProblem(
                    code: ViolationCode.manifestSerialsInvalid, field: "serials[\(i)]", message: "serial \(i) is empty")
            )
        }
        if let i = firstDuplicate {
            out.append(
                DocumentProblem(
                    code: ViolationCode.manifestSerialsInvalid, field: "serials[\(i)]",
                    message: "\(duplicates) serial(s) repeat an earlier one (first at index \(i))"))
        }
        if m.serials.count != m.quantity {
            out.append(
                DocumentProblem(
                    code: ViolationCode.manifestSerialsInvalid, field: "serials",
                    message: "\(m.serials.count) serial(s) listed for quantity \(m.quantity)"))
        }
        if let d = m.declared { figures(d, "declared", &out) }
        return out
    }

    /// The predicate's problems (none for retractions and unknown types; a supply-sufficiency statement's embedded
    /// manifest included).
    public static func problems(predicate: DecodedPredicate) -> [DocumentProblem] {
        var out: [DocumentProblem] = []
        switch predicate {
        case .exportLicense(let p):
            count(p.maxQuantity, "maxQuantity", min: 1, max: maxCount, &out)
            time(p.validFrom, "validFrom", &out)
            time(p.validUntil, "validUntil", &out)
            if let a = LedgerTime(p.validFrom), let b = LedgerTime(p.validUntil), b < a {
                out.append(invalid("validUntil", "validUntil \(p.validUntil) precedes validFrom \(p.validFrom)"))
            }
        case .supplySufficiency(let p, let m, _):
            out += problems(manifest: m).map {
                var x = $0
                x.field = "manifest." + x.field
                return x
            }
            count(p.quantity, "quantity", min: 1, max: maxQuantity, &out)
            count(p.usUnitsShipped, "usUnitsShipped", min: 0, max: maxCount, &out)
            count(p.usUnfilledOrders, "usUnfilledOrders", min: 0, max: maxCount, &out)
            time(p.signedAt, "signedAt", &out)
        case .labTest(let p):
            if !(p.result.utf8.elementsEqual("pass".utf8) || p.result.utf8.elementsEqual("fail".utf8)) {
                out.append(invalid("result", "result \"\(p.result)\" is neither \"pass\" nor \"fail\""))
            }
            if Sampling(p.sampling) == nil {
                out.append(
                    invalid(
                        "sampling", "sampling \"\(p.sampling)\" is neither \"all\" nor \"<n> of <N>\" with 1 ≤ n ≤ N"))
            }
            if p.unitsTested.isEmpty { out.append(invalid("unitsTested", "no unit tested")) }
            if let i = p.unitsTested.firstIndex(where: { $0.utf8.isEmpty }) {
                out.append(invalid("unitsTested[\(i)]", "unit \(i) is empty"))
            }
            figures(p.measured, "measured", &out)
            if let d = p.declared { figures(d, "declared", &out) }
            time(p.testedAt, "testedAt", &out)
        case .customsDecision(let p):
            time(p.decidedAt, "decidedAt", &out)
        case .retraction, .unknown:
            break
        }
        return out
    }

    /// A lab test's `sampling`: `all`, or `<n> of <N>` with 1 ≤ n ≤ N ≤ `maxQuantity` (decimal, no sign).
    public enum Sampling: Equatable {
        case all
        case some(Int, of: Int)

        public init?(_ text: String) {
            if text.utf8.elementsEqual("all".utf8) {
                self = .all
                return
            }
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1].utf8.elementsEqual("of".utf8), let n = Self.decimal(parts[0]),
                let total = Self.decimal(parts[2]),
                n >= 1, n <= total, total <= DocumentRules.maxQuantity
            else { return nil }
            self = .some(n, of: total)
        }

        private static func decimal(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.utf8.count <= 9, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(s)
        }
    }

    private static func invalid(_ field: String, _ message: String) -> DocumentProblem {
        DocumentProblem(code: ViolationCode.predicateValueInvalid, field: field, message: message)
    }

    private static func count(_ v: Int, _ field: String, min: Int, max: Int, _ out: inout [DocumentProblem]) {
        if v < min || v > max { out.append(invalid(field, "\(field) \(v) is not an integer in \(min)…\(max)")) }
    }

    private static func time(_ t: String, _ field: String, _ out: inout [DocumentProblem]) {
        if LedgerTime(t) == nil {
            out.append(invalid(field, "\(field) \"\(t)\" is not an RFC 3339 UTC time ending in Z"))
        }
    }

    private static func figures(_ f: Figures, _ field: String, _ out: inout [DocumentProblem]) {
        for (name, v) in [("tpp", f.tpp), ("dramBandwidthGBps", f.dramBandwidthGBps), ("memoryGB", f.memoryGB)] {
            guard let v else { continue }
            if !v.isFinite || v < 0 || v > maxFigure {
                out.append(invalid("\(field).\(name)", "\(field).\(name) \(v) is not a number in 0…\(Int(maxFigure))"))
            }
        }
    }
}
