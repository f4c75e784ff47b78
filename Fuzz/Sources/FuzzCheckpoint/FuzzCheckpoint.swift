import FuzzDriver
import TrailLedger

/// libFuzzer entry point: text through `Checkpoint(text:)`; a parsed checkpoint must round-trip exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    if let cp = try? Checkpoint(text: text) {
        precondition(cp.text == text, "a parsed checkpoint does not round-trip")
    }
    return 0
}

/// The program's entry point (see FuzzDriver): libFuzzer's driver with `fuzz` as the target.
@_cdecl("FuzzCheckpoint_main")
public func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    chiptrail_fuzz_main(argc, argv, fuzz)
}
