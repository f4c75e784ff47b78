import FuzzDriver
import TrailLedger

/// libFuzzer entry point: an envelope file through `Envelope(json:)`, then its PAE, JSON and duplicate key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let env = try? Envelope(json: bytes) {
        _ = env.pae
        _ = env.duplicateKey
        _ = try? Envelope(json: Array(env.jsonText.utf8))
        _ = try? Statement(payload: env.payload)
    }
    return 0
}

/// The program's entry point (see FuzzDriver): libFuzzer's driver with `fuzz` as the target.
@_cdecl("FuzzEnvelope_main")
public func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    chiptrail_fuzz_main(argc, argv, fuzz)
}
