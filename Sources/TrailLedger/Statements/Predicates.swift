import Foundation

/// Declared or measured performance figures.
public struct Figures: Codable, Sendable, Equatable {
    public var tpp: Double?
    public var dramBandwidthGBps: Double?
    public var memoryGB: Double?
    public var firmware: String?
    public init(tpp: Double? = nil, dramBandwidthGBps: Double? = nil, memoryGB: Double? = nil, firmware: String? = nil) {
        self.tpp = tpp
        self.dramBandwidthGBps = dramBandwidthGBps
        self.memoryGB = memoryGB
        self.firmware = firmware
    }
}

/// The shipment manifest the exporter writes (SPEC.md §8.4); its SHA-256 is every statement's subject digest.
public struct Manifest: Codable, Sendable, Equatable {
    public var shipmentId: String
    public var exporter: String
    public var license: String
    public var consignee: String
    public var endUser: String
    public var destination: String
    public var product: String
    public var eccn: String
    public var hsCode: String
    public var quantity: Int
    public var serials: [String]
    public var declared: Figures?

    public init(
        shipmentId: String, exporter: String, license: String, consignee: String, endUser: String, destination: String,
        product: String, eccn: String, hsCode: String, quantity: Int, serials: [String], declared: Figures? = nil
    ) {
        self.shipmentId = shipmentId
        self.exporter = exporter
        self.license = license
        self.consignee = consignee
        self.endUser = endUser
        self.destination = destination
        self.product = product
        self.eccn = eccn
        self.hsCode = hsCode
        self.quantity = quantity
        self.serials = serials
        self.declared = declared
    }
}

/// `urn:chiptrail:export-license:v1`, signed by a regulator.
public struct ExportLicensePredicate: Codable, Sendable, Equatable {
    public var license: String
    public var exporter: String
    public var consignee: String
    public var destination: String
    public var product: String
    public var maxQuantity: Int
    public var validFrom: String
    public var validUntil: String
    public var conditions: [String]?
}

/// `urn:chiptrail:supply-sufficiency:v1`, signed by the exporter; carries the manifest bytes.
public struct SupplySufficiencyPredicate: Codable, Sendable, Equatable {
    /// Base64 of the manifest file's exact bytes.
    public var manifest: String
    public var license: String
    public var quantity: Int
    public var destination: String
    public var usUnitsShipped: Int
    public var usUnfilledOrders: Int
    public var certification: String
    public var officer: String
    public var signedAt: String
}

/// `urn:chiptrail:lab-test:v1`, signed by a qualified lab.
public struct LabTestPredicate: Codable, Sendable, Equatable {
    public var lab: String
    public var accreditation: String
    public var reportId: String
    public var method: String
    public var sampling: String
    public var unitsTested: [String]
    public var measured: Figures
    public var declared: Figures?
    public var result: String
    public var testedAt: String
    public var location: String
}

/// `urn:chiptrail:customs-decision:v1`, signed by a customs authority.
public struct CustomsDecisionPredicate: Codable, Sendable, Equatable {
    public var authority: String
    public var port: String
    public var declaration: String
    public var hsCode: String
    /// released, inspect, held or returned.
    public var decision: String
    public var reason: String
    public var decidedAt: String
}

/// `urn:chiptrail:retraction:v1`: supersedes an earlier statement by the same party.
public struct RetractionPredicate: Codable, Sendable, Equatable {
    /// Hex SHA-256 of the retracted record's line.
    public var retracts: String
    public var reason: String
}
