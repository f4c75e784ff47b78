// swift-tools-version:6.0
// The crash-safety harness of BENCHMARKS.md: appends in a loop, SIGKILLs the appender at random instants,
// and checks after every kill that nothing reported committed was lost and that verify/repair recover.
//
//     swift build -c release && .build/release/crash-harness --trials 200
//     .build/release/crash-harness --trials 200 --cli ../.build/release/chiptrail
//
// See README.md.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder (a worktree or clone may not be called "chiptrail").
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "chiptrail-reliability",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "crash-harness",
            dependencies: [
                .product(name: "TrailLedger", package: root),
                .product(name: "TrailCrypto", package: root),
            ])
    ],
    swiftLanguageModes: [.v6]
)
