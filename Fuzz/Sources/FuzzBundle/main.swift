import FuzzDriver
import TrailLedger

/// libFuzzer entry point: a proof bundle file through `ProofBundle(json:)`, then its canonical form again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let bundle = try? ProofBundle(json: bytes) {
        _ = try? ProofBundle(json: bundle.serialized)
        for e in bundle.entries { _ = try? Record.parse(line: e.line) }
    }
    return 0
}

/// The program's entry point (see FuzzDriver): libFuzzer's driver with `fuzz` as the target.
@_cdecl("FuzzBundle_main")
public func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    chiptrail_fuzz_main(argc, argv, fuzz)
}
