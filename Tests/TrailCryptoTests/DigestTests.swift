import Testing
import TrailCrypto

@Suite struct DigestTests {
    @Test func sha256OfEmptyAndABC() {
        #expect(Digest.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha384AndSHA512OfABC() {
        #expect(
            Hex.encode(Digest.hash(.sha384, Array("abc".utf8)))
                == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(
            Hex.encode(Digest.hash(.sha512, Array("abc".utf8)))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    @Test(arguments: DigestAlgorithm.allCases)
    func streamingEqualsOneShot(_ alg: DigestAlgorithm) {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let s = StreamingDigest(alg)
        for chunk in stride(from: 0, to: data.count, by: 777) {
            s.update(Array(data[chunk..<min(chunk + 777, data.count)]))
        }
        #expect(s.finalize() == Digest.hash(alg, data))
    }

    @Test func base64LenientAcceptsURLSafeAndUnpadded() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xfe, 0x00]
        #expect(Base64.encode(bytes) == "+//+AA==")
        #expect(Base64.decodeLenient("+//+AA==") == bytes)
        #expect(Base64.decodeLenient("-__-AA") == bytes)
        #expect(Base64.decodeLenient("-_/+AA==") == nil, "mixed alphabets are refused")
        #expect(Hex.decode("0aFf") == [0x0a, 0xff])
        #expect(Hex.decode("0g") == nil)
    }
}

/// The lenient base64 of envelopes, against Foundation's decoder on valid input and by rule on the rest.
@Suite struct LenientBase64Tests {
    @Test func agreesWithTheStandardDecoderOnEveryLength() {
        for n in 0..<70 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let std = Base64.encode(bytes)
            #expect(Base64.decodeLenient(std) == bytes)
            let unpadded = String(std.drop { _ in false }.reversed().drop { $0 == "=" }.reversed())
            #expect(Base64.decodeLenient(unpadded) == bytes)
            let url = String(unpadded.map { $0 == "+" ? "-" : ($0 == "/" ? "_" : $0) })
            #expect(Base64.decodeLenient(url) == bytes)
        }
    }

    @Test func refusesWhatIsNotBase64() {
        for bad in ["a", "abcde", "ab=c", "====", "a===", "abc==", "abcd=", "ab c", "YWJj\n", "YW*j", "-_/+AA=="] {
            #expect(Base64.decodeLenient(bad) == nil, "\(bad)")
        }
        #expect(Base64.decodeLenient("") == [])
        #expect(Base64.decodeLenient("ab==") == [0x69], "unused low bits are ignored")
    }
}
