import FuzzDriver
import TrailLedger

/// libFuzzer entry point: bytes through `SignedNote(parsing:)`; a parsed note's text through `Checkpoint(text:)`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let note = try? SignedNote(parsing: bytes) {
        _ = note.serialized
        _ = try? SignedNote(parsing: note.serialized)
        _ = try? Checkpoint(text: note.text)
    }
    return 0
}

/// The program's entry point (see FuzzDriver): libFuzzer's driver with `fuzz` as the target.
@_cdecl("FuzzSignedNote_main")
public func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    chiptrail_fuzz_main(argc, argv, fuzz)
}
