// swift-tools-version:6.0
// The benchmark harness (BENCHMARKS.md): a separate package so that the library's test suite stays fast.
// Build with `swift build -c release` here; `run.sh` does it for you.
import PackageDescription

let package = Package(
    name: "chiptrail-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "chiptrail", path: "..")],
    targets: [
        .executableTarget(
            name: "chiptrail-bench",
            dependencies: [
                .product(name: "TrailCrypto", package: "chiptrail"),
                .product(name: "TrailLedger", package: "chiptrail"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
