/// The stable codes of compliance violations (SPEC.md §13; the table in DESIGN-NOTES.md "Compliance").
public enum ViolationCode {
    /// The supply-sufficiency signer's organisation (O=) is not the manifest's `exporter`.
    public static let exporterMismatch = "exporter-mismatch"
    /// The supply-sufficiency predicate's license, quantity or destination differs from its manifest's.
    public static let supplyManifestMismatch = "supply-manifest-mismatch"
    /// A statement about the shipment names another manifest digest than its supply-sufficiency statement.
    public static let manifestMismatch = "manifest-mismatch"
    /// The export license names another exporter, consignee, destination or product than the manifest.
    public static let licenseMismatch = "license-mismatch"
    /// The supply-sufficiency statement was recorded outside the license's validity.
    public static let licenseNotValid = "license-not-valid"
    /// Cumulative quantity shipped under the license exceeds its `maxQuantity`.
    public static let licenseQuantityExceeded = "license-quantity-exceeded"
    /// The exporter's aggregate quantity to the capped destinations exceeds the share of its US shipments.
    public static let destinationCapExceeded = "destination-cap-exceeded"
    /// A lab test reports result `fail` and was not retracted.
    public static let labTestFailed = "lab-test-failed"
    /// Measured TPP at or above the policy's `maxTPP`.
    public static let labTPPExceeded = "lab-tpp-exceeded"
    /// Measured DRAM bandwidth at or above the policy's `maxDramBandwidthGBps`.
    public static let labBandwidthExceeded = "lab-bandwidth-exceeded"
    /// The lab test does not report measured TPP or DRAM bandwidth.
    public static let labMeasurementMissing = "lab-measurement-missing"
    /// A measured figure differs from the manifest's declared one by more than `declaredTolerance`.
    public static let labDeclaredMismatch = "lab-declared-mismatch"
    /// The lab tested units that are not in the manifest.
    public static let labUnitsNotInManifest = "lab-units-not-in-manifest"
    /// Fewer manifest units tested than `minUnitsTested` (or than all of them, for sampling "all").
    public static let labTooFewUnits = "lab-too-few-units"
    /// A customs decision precedes every lab test of the shipment in ledger order.
    public static let customsBeforeLabTest = "customs-before-lab-test"
    /// A customs decision precedes the exporter's supply-sufficiency statement.
    public static let customsBeforeSupplySufficiency = "customs-before-supply-sufficiency"
    /// With `requireLicense`, a customs decision precedes any export license for the manifest's license.
    public static let customsBeforeLicense = "customs-before-license"

    /// The manifest's `quantity` is not an integer in 1…10,000,000.
    public static let manifestQuantityInvalid = "manifest-quantity-invalid"
    /// The manifest's `serials` are not exactly `quantity` distinct non-empty strings (compared byte for byte).
    public static let manifestSerialsInvalid = "manifest-serials-invalid"
    /// A predicate value is out of range: a number negative or over its bound, a time not RFC 3339 UTC with `Z`,
    /// a lab `result` other than `pass`/`fail`, a `sampling` other than `all` or `<n> of <N>`.
    public static let predicateValueInvalid = "predicate-value-invalid"
    /// The lab test's signer belongs to the exporter's organisation or also holds the exporter role.
    public static let labNotIndependent = "lab-not-independent"
    /// A statement a customs release depended on (supply-sufficiency, lab test, license) was retracted after it.
    public static let retractionAfterRelease = "retraction-after-release"

    public static let all = [
        exporterMismatch, supplyManifestMismatch, manifestMismatch, licenseMismatch, licenseNotValid,
        licenseQuantityExceeded, destinationCapExceeded, labTestFailed, labTPPExceeded, labBandwidthExceeded,
        labMeasurementMissing, labDeclaredMismatch, labUnitsNotInManifest, labTooFewUnits, customsBeforeLabTest,
        customsBeforeSupplySufficiency, customsBeforeLicense, manifestQuantityInvalid, manifestSerialsInvalid,
        predicateValueInvalid, labNotIndependent, retractionAfterRelease,
    ]
}
