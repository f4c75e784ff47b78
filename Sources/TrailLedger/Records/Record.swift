import TrailCrypto

/// The record types of the ledger file (SPEC.md §4).
public enum RecordType: String, Sendable, CaseIterable {
    case genesis, certificate, statement, crl, checkpoint, cosignature
}

/// One ledger record: one line of the file.
public struct Record: Sendable {
    /// What the genesis record fixes: the origin, the trust anchors and the operator's certificate chain.
    public struct Genesis: Sendable, Equatable {
        public var origin: String
        /// Hex SHA-256 of each trust anchor certificate's DER.
        public var anchors: [String]
        /// The operator certificate's DER.
        public var operatorCert: [UInt8]
        /// Intermediates from the operator certificate's issuer upward (may include the root).
        public var chain: [[UInt8]]

        public init(origin: String, anchors: [String], operatorCert: [UInt8], chain: [[UInt8]]) {
            self.origin = origin
            self.anchors = anchors
            self.operatorCert = operatorCert
            self.chain = chain
        }
    }

    public enum Body: Sendable {
        case genesis(Genesis)
        case certificate(cert: [UInt8], chain: [[UInt8]])
        case statement(Envelope)
        case crl([UInt8])
        case checkpoint(note: String)
        /// A cosigned form of the checkpoint at seq `checkpoint`.
        case cosignature(checkpoint: Int, note: String)
    }

    public var seq: Int
    public var time: LedgerTime
    /// Lowercase hex SHA-256 of the previous line; nil only for genesis.
    public var prev: String?
    public var body: Body

    public init(seq: Int, time: LedgerTime, prev: String?, body: Body) {
        self.seq = seq
        self.time = time
        self.prev = prev
        self.body = body
    }

    public var type: RecordType {
        switch body {
        case .genesis: .genesis
        case .certificate: .certificate
        case .statement: .statement
        case .crl: .crl
        case .checkpoint: .checkpoint
        case .cosignature: .cosignature
        }
    }
}
