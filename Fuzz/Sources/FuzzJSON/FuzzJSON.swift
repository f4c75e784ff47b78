import FuzzDriver
import TrailLedger

/// libFuzzer entry point: bytes through the strict `JSONParser`. A parsed value's RFC 8785 form must parse
/// again, and canonicalising is idempotent (JCS(parse(JCS(v))) == JCS(v)). Value equality is not asserted:
/// RFC 8785 prints every number as a double, so integers above 2^53 legitimately change.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let value = try? JSONParser.parse(bytes) {
        let canonical = JCS.serialize(value)
        guard let again = try? JSONParser.parse(canonical) else {
            preconditionFailure("the JCS form of a parsed value does not parse")
        }
        precondition(JCS.serialize(again) == canonical, "JCS is not idempotent on this value")
    }
    return 0
}

/// The program's entry point (see FuzzDriver): libFuzzer's driver with `fuzz` as the target.
@_cdecl("FuzzJSON_main")
public func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    chiptrail_fuzz_main(argc, argv, fuzz)
}
