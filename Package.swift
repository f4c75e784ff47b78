// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "chiptrail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "chiptrail", targets: ["chiptrail"]),
        .library(name: "TrailCrypto", targets: ["TrailCrypto"]),
        .library(name: "TrailLedger", targets: ["TrailLedger"]),
        .library(name: "TrailCompliance", targets: ["TrailCompliance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` for the DocC catalogs of the three libraries.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(name: "COpenSSLShims", dependencies: ["COpenSSL"]),
        .target(name: "TrailCrypto", dependencies: ["COpenSSL", "COpenSSLShims"]),
        .target(name: "TrailLedger", dependencies: ["TrailCrypto"]),
        .target(name: "TrailCompliance", dependencies: ["TrailCrypto", "TrailLedger"]),
        .executableTarget(
            name: "chiptrail",
            dependencies: [
                "TrailCrypto", "TrailLedger", "TrailCompliance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),
        // The git commit `chiptrail --version` prints.
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(name: "TrailTestSupport", dependencies: ["TrailCrypto", "TrailLedger"], path: "Tests/TrailTestSupport"),
        .testTarget(
            name: "TrailCryptoTests", dependencies: ["TrailCrypto", "TrailTestSupport"], resources: [.copy("Vectors")]),
        .testTarget(name: "TrailLedgerTests", dependencies: ["TrailLedger", "TrailCrypto", "TrailTestSupport"], resources: [.copy("Vectors")]),
        .testTarget(name: "TrailComplianceTests", dependencies: ["TrailCompliance", "TrailLedger", "TrailCrypto", "TrailTestSupport"]),
        .testTarget(name: "chiptrailTests", dependencies: ["chiptrail", "TrailCrypto", "TrailTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
