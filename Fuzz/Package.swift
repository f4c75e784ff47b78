// swift-tools-version:6.0
// libFuzzer targets for chiptrail's parsers of hostile input. Build (Linux, a toolchain with libFuzzer):
//
//     swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// then run e.g. `.build/debug/FuzzRecord Corpus/record -max_total_time=180`. See README.md.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder (a worktree or clone may not be called "chiptrail").
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let fuzzTargets = ["FuzzRecord", "FuzzEnvelope", "FuzzSignedNote", "FuzzCheckpoint", "FuzzJSON", "FuzzBundle"]

let package = Package(
    name: "chiptrail-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [.target(name: "FuzzDriver")]
        + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzDriver",
                .product(name: "TrailLedger", package: root),
                .product(name: "TrailCrypto", package: root),
            ],
            path: "Sources/\(name)")
    },
    swiftLanguageModes: [.v6]
)
