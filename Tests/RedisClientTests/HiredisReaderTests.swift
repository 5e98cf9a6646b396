@testable import RedisClient
import Testing

@Suite("RESP encoding and parsing through hiredis")
struct HiredisReaderTests {
    @Test func encodesBinarySafeArguments() {
        var bytes: [UInt8] = []
        HiredisCommandEncoder.encode([Array("SET".utf8), Array("k".utf8), [0x00, 0x0D, 0x0A, 0xFF], []], into: &bytes)
        let expected: [UInt8] = Array("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n".utf8) + [0x00, 0x0D, 0x0A, 0xFF] + Array("\r\n$0\r\n\r\n".utf8)
        #expect(bytes == expected)
    }

    @Test func parsesEveryReplyTypeFedOneByteAtATime() throws {
        let stream = Array("+OK\r\n-ERR boom\r\n:-42\r\n$5\r\nhe\r\no\r\n$-1\r\n*3\r\n:1\r\n*1\r\n$0\r\n\r\n*-1\r\n".utf8)
        let reader = HiredisReader()
        var replies: [RESPValue] = []
        for byte in stream {
            try [byte].withUnsafeBytes { try reader.feed($0) }
            while let reply = try reader.next() { replies.append(reply) }
        }
        #expect(
            replies == [
                .simpleString("OK"),
                .error("ERR boom"),
                .integer(-42),
                .bulkString(Array("he\r\no".utf8)),
                .null,
                .array([.integer(1), .array([.bulkString([])]), .null]),
            ]
        )
    }

    @Test func incompleteInputYieldsNothingYet() throws {
        let reader = HiredisReader()
        try Array("$10\r\nabc".utf8).withUnsafeBytes { try reader.feed($0) }
        #expect(try reader.next() == nil)
        try Array("defghij\r\n".utf8).withUnsafeBytes { try reader.feed($0) }
        #expect(try reader.next() == .bulkString(Array("abcdefghij".utf8)))
    }

    /// `*2147483647` once made hiredis 0.14 calloc 16 GiB up front (found by scripts/fuzz-reply).
    @Test(arguments: ["?what\r\n", "$abc\r\n", ":12x\r\n", "*2147483647\r\n", "*2\r\n*16777217\r\n"])
    func malformedInputIsAProtocolError(_ input: String) throws {
        let reader = HiredisReader()
        let error = #expect(throws: RedisError.self) {
            try Array(input.utf8).withUnsafeBytes { try reader.feed($0) }
            _ = try reader.next()
        }
        #expect(error?.code == .protocolError)
    }

    @Test func convenienceAccessors() {
        #expect(RESPValue.bulkString(Array("12".utf8)).int == 12)
        #expect(RESPValue.simpleString("PONG").string == "PONG")
        #expect(RESPValue.bulkString([0xFF, 0xFE]).string == nil)
        #expect(RESPValue.null.isNull)
        #expect(RESPValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.bulkString(Array("secret".utf8)).description == "$<6 bytes>")
    }
}
