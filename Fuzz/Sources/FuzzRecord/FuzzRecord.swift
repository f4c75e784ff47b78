import FuzzDriver
import TrailLedger

/// libFuzzer entry point: one ledger line through `Record.parse(line:)` (line limit, JSON, record fields,
/// embedded DSSE envelope). Any thrown `TrailError` is a clean refusal; a trap or sanitizer report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let record = try? Record.parse(line: bytes) {
        // A parsed record must re-serialise and parse again to the same line.
        let line = record.line
        _ = try? Record.parse(line: line)
    }
    return 0
}

/// The program's entry point (see FuzzDriver): libFuzzer's driver with `fuzz` as the target.
@_cdecl("FuzzRecord_main")
public func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    chiptrail_fuzz_main(argc, argv, fuzz)
}
