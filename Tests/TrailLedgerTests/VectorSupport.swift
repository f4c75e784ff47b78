import Foundation
import TrailCrypto
import TrailLedger

/// The known-answer files in `Vectors/`, decoded with Foundation's JSONDecoder so the vectors are read by a
/// parser independent of the one under test.
enum Vectors {
    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Vectors/\(name).json"])
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// Vectors/rfc6962-merkle.json.
    struct MerkleFile: Decodable {
        struct Inclusion: Decodable {
            var index: Int
            var size: Int
            var proof: [String]
        }
        struct Consistency: Decodable {
            var size1: Int
            var size2: Int
            var proof: [String]
        }
        var leaves: [String]
        var leafHashes: [String]
        var roots: [String: String]
        var inclusion: [Inclusion]
        var consistency: [Consistency]
    }

    /// Vectors/formats.json (the parts the ledger uses).
    struct FormatsFile: Decodable {
        struct SignedNoteVector: Decodable {
            var verifierKey: String
            var note: String
            var signedText: String
            var keyIdHex: String
        }
        struct CheckpointVector: Decodable { var text: String }
        struct CosignatureVector: Decodable {
            var signedMessageTemplate: String
            var signatureLayout: String
        }
        struct Ed25519Vector: Decodable {
            var secretKeyHex: String
            var publicKeyHex: String
        }
        var signedNote: SignedNoteVector
        var checkpointExample: CheckpointVector
        var cosignatureV1: CosignatureVector
        var ed25519RFC8032Test1: Ed25519Vector
    }

    static let merkle: MerkleFile = try! load("rfc6962-merkle", as: MerkleFile.self)
    static let formats: FormatsFile = try! load("formats", as: FormatsFile.self)
}

extension MerkleHash {
    /// A hash from test-vector hex that must be valid.
    init(vectorHex: String) { self = MerkleHash(hex: vectorHex)! }
}
