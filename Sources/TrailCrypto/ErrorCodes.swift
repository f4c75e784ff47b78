/// The registry of chiptrail's stable error codes: every code a `TrailError` or a verification finding can carry,
/// each with its category (and so its exit status, see DESIGN-NOTES "Exit status"). The set is closed: a string
/// literal that names no member here stops a debug build at once (`Code.init(stringLiteral:)`), and
/// `ErrorCodeRegistryTests` checks that every code written in Sources is registered and that DESIGN-NOTES' table
/// lists exactly these codes. Compliance violation codes are a separate registry (`ViolationCode`).
extension TrailError {
    public struct Code: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The kebab-case code the CLI prints and JSON carries.
        public let rawValue: String
        /// The category (exit status) of the code.
        public let category: Category

        init(_ rawValue: String, _ category: Category) {
            self.rawValue = rawValue
            self.category = category
        }

        /// A registered code by its name; nil for any other string.
        public init?(name: String) {
            guard let c = Code.byName[name] else { return nil }
            self = c
        }

        /// A registered code written as a literal (`e.code == "seq-mismatch"`). An unregistered literal is a
        /// programming error, caught by the first test that runs it and by the registry test for every source file.
        public init(stringLiteral value: String) {
            if let c = Code.byName[value] {
                self = c
            } else {
                // Debug builds (the tests) stop here; a release build keeps the text rather than trap on a user.
                assertionFailure("unregistered error code \"\(value)\"")
                self.init(value, .integrity)
            }
        }

        public static func == (a: Code, b: Code) -> Bool { a.rawValue == b.rawValue }
        public func hash(into h: inout Hasher) { h.combine(rawValue) }
        public var description: String { rawValue }

        static let byName: [String: Code] = Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0) })
    }
}

extension TrailError.Code {
    public static let alreadyRevoked = Self("already-revoked", .usage)
    public static let alreadySigned = Self("already-signed", .usage)
    public static let anchorNotInGenesis = Self("anchor-not-in-genesis", .integrity)
    public static let bundleCheckpointInvalid = Self("bundle-checkpoint-invalid", .integrity)
    public static let bundleEntryMissing = Self("bundle-entry-missing", .integrity)
    public static let bundleEntryOrder = Self("bundle-entry-order", .integrity)
    public static let bundleGenesisMissing = Self("bundle-genesis-missing", .integrity)
    public static let bundleInclusionInvalid = Self("bundle-inclusion-invalid", .integrity)
    public static let bundleMalformed = Self("bundle-malformed", .malformed)
    public static let bundleMediaType = Self("bundle-media-type", .malformed)
    public static let bundleOriginMismatch = Self("bundle-origin-mismatch", .integrity)
    public static let caExists = Self("ca-exists", .usage)
    public static let caExpired = Self("ca-expired", .usage)
    public static let caKeyAlgorithmMismatch = Self("ca-key-algorithm-mismatch", .usage)
    public static let caKeyMismatch = Self("ca-key-mismatch", .integrity)
    public static let caKeyNotAUri = Self("ca-key-not-a-uri", .usage)
    public static let certExpired = Self("cert-expired", .integrity)
    public static let certInvalid = Self("cert-invalid", .integrity)
    public static let certNotYetValid = Self("cert-not-yet-valid", .integrity)
    public static let certRevoked = Self("cert-revoked", .integrity)
    public static let certSignatureInvalid = Self("cert-signature-invalid", .integrity)
    public static let certificateExpired = Self("certificate-expired", .integrity)
    public static let certificateRevoked = Self("certificate-revoked", .integrity)
    public static let checkpointOriginMismatch = Self("checkpoint-origin-mismatch", .integrity)
    public static let checkpointRootMismatch = Self("checkpoint-root-mismatch", .integrity)
    public static let checkpointSignatureInvalid = Self("checkpoint-signature-invalid", .integrity)
    public static let checkpointSizeMismatch = Self("checkpoint-size-mismatch", .integrity)
    public static let cosignatureInvalid = Self("cosignature-invalid", .integrity)
    public static let crlExpired = Self("crl-expired", .integrity)
    public static let crlInvalid = Self("crl-invalid", .integrity)
    public static let crlIssuerNotCa = Self("crl-issuer-not-ca", .integrity)
    public static let crlIssuerUnknown = Self("crl-issuer-unknown", .integrity)
    public static let crlMissing = Self("crl-missing", .integrity)
    public static let crlNotYetValid = Self("crl-not-yet-valid", .integrity)
    public static let crlSignatureInvalid = Self("crl-signature-invalid", .integrity)
    public static let csrSignatureInvalid = Self("csr-signature-invalid", .integrity)
    public static let duplicateCertificate = Self("duplicate-certificate", .integrity)
    public static let duplicateKey = Self("duplicate-key", .malformed)
    public static let duplicateStatement = Self("duplicate-statement", .integrity)
    public static let emptyLedger = Self("empty-ledger", .integrity)
    public static let emptyPassphrase = Self("empty-passphrase", .usage)
    public static let emptyPin = Self("empty-pin", .usage)
    public static let fileExists = Self("file-exists", .usage)
    public static let inconsistentWithCheckpoint = Self("inconsistent-with-checkpoint", .integrity)
    public static let indexCorrupt = Self("index-corrupt", .integrity)
    public static let indexMismatch = Self("index-mismatch", .integrity)
    public static let indexUnusable = Self("index-unusable", .integrity)
    public static let insecureKeyPermissions = Self("insecure-key-permissions", .permission)
    public static let insufficientWitnesses = Self("insufficient-witnesses", .integrity)
    public static let internalError = Self("internal-error", .integrity)
    public static let invalidCrlNumber = Self("invalid-crl-number", .usage)
    public static let invalidDays = Self("invalid-days", .usage)
    public static let invalidJson = Self("invalid-json", .integrity)
    public static let invalidKeyName = Self("invalid-key-name", .usage)
    public static let invalidOrigin = Self("invalid-origin", .usage)
    public static let invalidPathLength = Self("invalid-path-length", .usage)
    public static let invalidSerial = Self("invalid-serial", .usage)
    public static let invalidSubject = Self("invalid-subject", .usage)
    public static let invalidTime = Self("invalid-time", .integrity)
    public static let invalidTimestamp = Self("invalid-timestamp", .usage)
    public static let invalidUtf8 = Self("invalid-utf8", .malformed)
    public static let invalidValidity = Self("invalid-validity", .usage)
    public static let invalidWitnessName = Self("invalid-witness-name", .usage)
    public static let ioError = Self("io-error", .io)
    public static let issuerNotCa = Self("issuer-not-ca", .integrity)
    public static let jsonStringTooLong = Self("json-string-too-long", .malformed)
    public static let jsonTooDeep = Self("json-too-deep", .malformed)
    public static let keyCertificateMismatch = Self("key-certificate-mismatch", .usage)
    public static let keyEncodeFailed = Self("key-encode-failed", .integrity)
    public static let keyNotExtractable = Self("key-not-extractable", .usage)
    public static let keygenFailed = Self("keygen-failed", .integrity)
    public static let ledgerInvalid = Self("ledger-invalid", .integrity)
    public static let lineTooLong = Self("line-too-long", .integrity)
    public static let malformedCaIndex = Self("malformed-ca-index", .malformed)
    public static let malformedCertificate = Self("malformed-certificate", .malformed)
    public static let malformedCheckpoint = Self("malformed-checkpoint", .malformed)
    public static let malformedCrl = Self("malformed-crl", .malformed)
    public static let malformedCsr = Self("malformed-csr", .malformed)
    public static let malformedEnvelope = Self("malformed-envelope", .malformed)
    public static let malformedKey = Self("malformed-key", .malformed)
    public static let malformedKeyUri = Self("malformed-key-uri", .malformed)
    public static let malformedLine = Self("malformed-line", .integrity)
    public static let malformedManifest = Self("malformed-manifest", .integrity)
    public static let malformedNote = Self("malformed-note", .integrity)
    public static let malformedPem = Self("malformed-pem", .malformed)
    public static let malformedPolicy = Self("malformed-policy", .malformed)
    public static let malformedPredicate = Self("malformed-predicate", .integrity)
    public static let malformedRecord = Self("malformed-record", .integrity)
    public static let malformedTlogProof = Self("malformed-tlog-proof", .malformed)
    public static let malformedVerifierKey = Self("malformed-verifier-key", .malformed)
    public static let manifestDigestMismatch = Self("manifest-digest-mismatch", .integrity)
    public static let manifestQuantityInvalid = Self("manifest-quantity-invalid", .malformed)
    public static let manifestRequired = Self("manifest-required", .usage)
    public static let manifestSerialsInvalid = Self("manifest-serials-invalid", .malformed)
    public static let merkleOutOfRange = Self("merkle-out-of-range", .integrity)
    public static let missingGenesis = Self("missing-genesis", .integrity)
    public static let noCertificate = Self("no-certificate", .malformed)
    public static let noCheckpoint = Self("no-checkpoint", .integrity)
    public static let noPem = Self("no-pem", .malformed)
    public static let noSignatures = Self("no-signatures", .integrity)
    public static let noSuchFile = Self("no-such-file", .noInput)
    public static let noTrustAnchor = Self("no-trust-anchor", .usage)
    public static let nonCanonical = Self("non-canonical", .integrity)
    public static let notACaDirectory = Self("not-a-ca-directory", .usage)
    public static let notACertificate = Self("not-a-certificate", .malformed)
    public static let notACrl = Self("not-a-crl", .malformed)
    public static let notACsr = Self("not-a-csr", .malformed)
    public static let notALedger = Self("not-a-ledger", .malformed)
    public static let notAPrivateKey = Self("not-a-private-key", .malformed)
    public static let notAPublicKey = Self("not-a-public-key", .malformed)
    public static let notARegularFile = Self("not-a-regular-file", .noInput)
    public static let notInTotoStatement = Self("not-in-toto-statement", .integrity)
    public static let notIssuedByCa = Self("not-issued-by-ca", .usage)
    public static let noteSignatureInvalid = Self("note-signature-invalid", .integrity)
    public static let noteUnsigned = Self("note-unsigned", .integrity)
    public static let nothingToAppend = Self("nothing-to-append", .usage)
    public static let operatorInvalid = Self("operator-invalid", .integrity)
    public static let operatorKeyNotEd25519 = Self("operator-key-not-ed25519", .integrity)
    public static let passphraseMismatch = Self("passphrase-mismatch", .usage)
    public static let passphraseRequired = Self("passphrase-required", .usage)
    public static let pathLengthExceeded = Self("path-length-exceeded", .usage)
    public static let payloadTooLarge = Self("payload-too-large", .malformed)
    public static let permissionDenied = Self("permission-denied", .permission)
    public static let pkcs11Ed25519Unsupported = Self("pkcs11-ed25519-unsupported", .usage)
    public static let pkcs11EngineFailed = Self("pkcs11-engine-failed", .io)
    public static let pkcs11EngineUnavailable = Self("pkcs11-engine-unavailable", .io)
    public static let pkcs11KeyNotEd25519 = Self("pkcs11-key-not-ed25519", .usage)
    public static let pkcs11KeygenExternal = Self("pkcs11-keygen-external", .usage)
    public static let pkcs11ModuleNotFound = Self("pkcs11-module-not-found", .io)
    public static let pkcs11ModuleRequired = Self("pkcs11-module-required", .usage)
    public static let pkcs11ModuleUnavailable = Self("pkcs11-module-unavailable", .io)
    public static let pkcs11ObjectNotFound = Self("pkcs11-object-not-found", .malformed)
    public static let pkcs11PinInUri = Self("pkcs11-pin-in-uri", .usage)
    public static let pkcs11PinInvalid = Self("pkcs11-pin-invalid", .usage)
    public static let pkcs11PinLocked = Self("pkcs11-pin-locked", .permission)
    public static let pkcs11PinRequired = Self("pkcs11-pin-required", .usage)
    public static let pkcs11TokenNotFound = Self("pkcs11-token-not-found", .malformed)
    public static let pkcs11UriInvalid = Self("pkcs11-uri-invalid", .usage)
    public static let pkcs11UriNoObject = Self("pkcs11-uri-no-object", .usage)
    public static let pkcs11WrongPin = Self("pkcs11-wrong-pin", .permission)
    public static let policyUnknownKey = Self("policy-unknown-key", .malformed)
    public static let policyValueInvalid = Self("policy-value-invalid", .malformed)
    public static let predicateRequired = Self("predicate-required", .usage)
    public static let predicateValueInvalid = Self("predicate-value-invalid", .malformed)
    public static let prevMismatch = Self("prev-mismatch", .integrity)
    public static let randomFailed = Self("random-failed", .integrity)
    public static let retractionInvalid = Self("retraction-invalid", .integrity)
    public static let roleNotPermitted = Self("role-not-permitted", .integrity)
    public static let roleRequired = Self("role-required", .usage)
    public static let seqMismatch = Self("seq-mismatch", .integrity)
    public static let seqOutOfRange = Self("seq-out-of-range", .usage)
    public static let signFailed = Self("sign-failed", .integrity)
    public static let signatureInvalid = Self("signature-invalid", .integrity)
    public static let signatureTooLarge = Self("signature-too-large", .malformed)
    public static let signerExpired = Self("signer-expired", .integrity)
    public static let signerKeyUsage = Self("signer-key-usage", .integrity)
    public static let signerNotLeaf = Self("signer-not-leaf", .integrity)
    public static let signerNotYetValid = Self("signer-not-yet-valid", .integrity)
    public static let signerRevoked = Self("signer-revoked", .integrity)
    public static let stateAnchorsMismatch = Self("state-anchors-mismatch", .usage)
    public static let stateCorrupt = Self("state-corrupt", .malformed)
    public static let stateOptionsMismatch = Self("state-options-mismatch", .usage)
    public static let stateOriginMismatch = Self("state-origin-mismatch", .usage)
    public static let statePolicyMismatch = Self("state-policy-mismatch", .usage)
    public static let statePrefixMismatch = Self("state-prefix-mismatch", .integrity)
    public static let statePrefixTruncated = Self("state-prefix-truncated", .integrity)
    public static let stateVersionUnsupported = Self("state-version-unsupported", .malformed)
    public static let stdinIsATerminal = Self("stdin-is-a-terminal", .usage)
    public static let subjectMismatch = Self("subject-mismatch", .integrity)
    public static let tilesFetchFailed = Self("tiles-fetch-failed", .io)
    public static let tilesMalformed = Self("tiles-malformed", .malformed)
    public static let tilesMismatch = Self("tiles-mismatch", .integrity)
    public static let tilesMissing = Self("tiles-missing", .noInput)
    public static let timeRegression = Self("time-regression", .integrity)
    public static let tooManySignatures = Self("too-many-signatures", .malformed)
    public static let tornTail = Self("torn-tail", .integrity)
    public static let uncheckpointedTail = Self("uncheckpointed-tail", .integrity)
    public static let unexpectedGenesis = Self("unexpected-genesis", .integrity)
    public static let unknownCheckpoint = Self("unknown-checkpoint", .usage)
    public static let unknownIssuer = Self("unknown-issuer", .integrity)
    public static let unknownKind = Self("unknown-kind", .usage)
    public static let unknownReason = Self("unknown-reason", .usage)
    public static let unknownRecordType = Self("unknown-record-type", .integrity)
    public static let unknownRole = Self("unknown-role", .usage)
    public static let unknownSeq = Self("unknown-seq", .usage)
    public static let unknownShipment = Self("unknown-shipment", .usage)
    public static let unknownSigner = Self("unknown-signer", .integrity)
    public static let unsupportedKeyAlgorithm = Self("unsupported-key-algorithm", .integrity)
    public static let unsupportedNoteKey = Self("unsupported-note-key", .usage)
    public static let unsupportedPayloadType = Self("unsupported-payload-type", .integrity)
    public static let unsupportedVersion = Self("unsupported-version", .integrity)
    public static let untrustedLedger = Self("untrusted-ledger", .integrity)
    public static let unverifiableRecords = Self("unverifiable-records", .integrity)
    public static let usage = Self("usage", .usage)
    public static let weakKey = Self("weak-key", .integrity)
    public static let weakSignatureAlgorithm = Self("weak-signature-algorithm", .integrity)
    public static let witnessKeyNotEd25519 = Self("witness-key-not-ed25519", .usage)
    public static let witnessNotAuditor = Self("witness-not-auditor", .usage)
    public static let witnessNotRegistered = Self("witness-not-registered", .permission)
    public static let wrongPassphrase = Self("wrong-passphrase", .permission)

    /// Every registered code, sorted by name.
    public static let all: [Self] = [
        .alreadyRevoked, .alreadySigned, .anchorNotInGenesis, .bundleCheckpointInvalid, .bundleEntryMissing,
        .bundleEntryOrder, .bundleGenesisMissing, .bundleInclusionInvalid, .bundleMalformed, .bundleMediaType,
        .bundleOriginMismatch, .caExists, .caExpired, .caKeyAlgorithmMismatch, .caKeyMismatch, .caKeyNotAUri,
        .certExpired, .certInvalid, .certNotYetValid, .certRevoked, .certSignatureInvalid, .certificateExpired,
        .certificateRevoked, .checkpointOriginMismatch, .checkpointRootMismatch, .checkpointSignatureInvalid,
        .checkpointSizeMismatch, .cosignatureInvalid, .crlExpired, .crlInvalid, .crlIssuerNotCa, .crlIssuerUnknown,
        .crlMissing, .crlNotYetValid, .crlSignatureInvalid, .csrSignatureInvalid, .duplicateCertificate,
        .duplicateKey, .duplicateStatement, .emptyLedger, .emptyPassphrase, .emptyPin, .fileExists,
        .inconsistentWithCheckpoint, .indexCorrupt, .indexMismatch, .indexUnusable, .insecureKeyPermissions,
        .insufficientWitnesses, .internalError, .invalidCrlNumber, .invalidDays, .invalidJson, .invalidKeyName,
        .invalidOrigin, .invalidPathLength, .invalidSerial, .invalidSubject, .invalidTime, .invalidTimestamp,
        .invalidUtf8, .invalidValidity, .invalidWitnessName, .ioError, .issuerNotCa, .jsonStringTooLong,
        .jsonTooDeep, .keyCertificateMismatch, .keyEncodeFailed, .keyNotExtractable, .keygenFailed, .ledgerInvalid,
        .lineTooLong, .malformedCaIndex, .malformedCertificate, .malformedCheckpoint, .malformedCrl, .malformedCsr,
        .malformedEnvelope, .malformedKey, .malformedKeyUri, .malformedLine, .malformedManifest, .malformedNote,
        .malformedPem, .malformedPolicy, .malformedPredicate, .malformedRecord, .malformedTlogProof,
        .malformedVerifierKey, .manifestDigestMismatch, .manifestQuantityInvalid, .manifestRequired,
        .manifestSerialsInvalid, .merkleOutOfRange, .missingGenesis, .noCertificate, .noCheckpoint, .noPem,
        .noSignatures, .noSuchFile, .noTrustAnchor, .nonCanonical, .notACaDirectory, .notACertificate, .notACrl,
        .notACsr, .notALedger, .notAPrivateKey, .notAPublicKey, .notARegularFile, .notInTotoStatement,
        .notIssuedByCa, .noteSignatureInvalid, .noteUnsigned, .nothingToAppend, .operatorInvalid,
        .operatorKeyNotEd25519, .passphraseMismatch, .passphraseRequired, .pathLengthExceeded, .payloadTooLarge,
        .permissionDenied, .pkcs11Ed25519Unsupported, .pkcs11EngineFailed, .pkcs11EngineUnavailable,
        .pkcs11KeyNotEd25519, .pkcs11KeygenExternal, .pkcs11ModuleNotFound, .pkcs11ModuleRequired,
        .pkcs11ModuleUnavailable, .pkcs11ObjectNotFound, .pkcs11PinInUri, .pkcs11PinInvalid, .pkcs11PinLocked,
        .pkcs11PinRequired, .pkcs11TokenNotFound, .pkcs11UriInvalid, .pkcs11UriNoObject, .pkcs11WrongPin,
        .policyUnknownKey, .policyValueInvalid, .predicateRequired, .predicateValueInvalid, .prevMismatch,
        .randomFailed, .retractionInvalid, .roleNotPermitted, .roleRequired, .seqMismatch, .seqOutOfRange,
        .signFailed, .signatureInvalid, .signatureTooLarge, .signerExpired, .signerKeyUsage, .signerNotLeaf,
        .signerNotYetValid, .signerRevoked, .stateAnchorsMismatch, .stateCorrupt, .stateOptionsMismatch,
        .stateOriginMismatch, .statePolicyMismatch, .statePrefixMismatch, .statePrefixTruncated,
        .stateVersionUnsupported, .stdinIsATerminal, .subjectMismatch, .tilesFetchFailed, .tilesMalformed,
        .tilesMismatch, .tilesMissing, .timeRegression, .tooManySignatures, .tornTail, .uncheckpointedTail,
        .unexpectedGenesis, .unknownCheckpoint, .unknownIssuer,
        .unknownKind, .unknownReason, .unknownRecordType, .unknownRole, .unknownSeq, .unknownShipment,
        .unknownSigner, .unsupportedKeyAlgorithm, .unsupportedNoteKey, .unsupportedPayloadType, .unsupportedVersion,
        .untrustedLedger, .unverifiableRecords, .usage, .weakKey, .weakSignatureAlgorithm, .witnessKeyNotEd25519,
        .witnessNotAuditor, .witnessNotRegistered, .wrongPassphrase,
    ]
}
