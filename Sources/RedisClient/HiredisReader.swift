internal import CHiredis

/// Incremental RESP parser on hiredis's `redisReader`.
///
/// Not thread-safe: it lives inside one channel handler and is only used on that channel's event loop.
final class HiredisReader {
    private let reader: UnsafeMutablePointer<redisReader>

    init() {
        // redisReaderCreate only fails on out-of-memory, where continuing makes no sense.
        guard let reader = chiredis_reader_create() else { fatalError("hiredis: redisReaderCreate failed (out of memory)") }
        self.reader = reader
    }

    deinit {
        chiredis_reader_free(reader)
    }

    /// Appends bytes received from the socket.
    func feed(_ bytes: UnsafeRawBufferPointer) throws(RedisError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let rc = redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count)
        if rc != REDIS_OK { throw protocolError() }
    }

    /// The next complete reply, or nil when more bytes are needed.
    ///
    /// - Throws: `RedisError.protocolError` when the stream is not valid RESP; the reader is unusable afterwards.
    func next() throws(RedisError) -> RESPValue? {
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw protocolError() }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func protocolError() -> RedisError {
        let text = chiredis_reader_errstr(reader).map { String(cString: $0) } ?? "unknown reader error"
        return RedisError(.protocolError, text.isEmpty ? "invalid RESP stream" : text)
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RESPValue {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .bulkString(copyBytes(r.str, r.len))
        case REDIS_REPLY_STATUS:
            return .simpleString(String(decoding: copyBytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: copyBytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(r.integer)
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            var values: [RESPValue] = []
            values.reserveCapacity(Int(r.elements))
            for index in 0..<Int(r.elements) {
                if let element = r.element[index] {
                    values.append(convert(element))
                } else {
                    values.append(.null)
                }
            }
            return .array(values)
        default:
            // hiredis 1.x adds RESP3 types (double, bool, map, …); RESP2 servers never send them.
            return .null
        }
    }

    private static func copyBytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}

/// Encodes commands as RESP with hiredis's binary-safe `redisFormatCommandArgv`.
///
/// hiredis needs every argument's address at once, so the arguments are copied into one contiguous block;
/// the block and the pointer arrays are kept between calls (one encoder per connection, used on its event
/// loop only), so encoding allocates nothing once warm but hiredis's own output buffer.
struct HiredisCommandEncoder {
    private var block: [UInt8] = []
    private var offsets: [Int] = []
    private var lengths: [Int] = []
    private var argv: [UnsafePointer<CChar>?] = []

    init() {}

    mutating func encode(_ arguments: [[UInt8]], into buffer: inout some RESPByteSink) {
        block.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        for argument in arguments {
            offsets.append(block.count)
            lengths.append(argument.count)
            block.append(contentsOf: argument)
        }
        // The trailing 0 keeps the base address non-nil when every argument is empty.
        block.append(0)
        let count = arguments.count
        block.withUnsafeBufferPointer { blockPointer in
            let base = UnsafeRawPointer(blockPointer.baseAddress!).assumingMemoryBound(to: CChar.self)
            argv.removeAll(keepingCapacity: true)
            for offset in offsets { argv.append(base + offset) }
            argv.withUnsafeMutableBufferPointer { argvPointer in
                lengths.withUnsafeBufferPointer { lengthPointer in
                    var output: UnsafeMutablePointer<CChar>?
                    let written = redisFormatCommandArgv(&output, Int32(count), argvPointer.baseAddress, lengthPointer.baseAddress)
                    guard let output, written > 0 else { fatalError("hiredis: redisFormatCommandArgv failed (out of memory)") }
                    defer { redisFreeCommand(output) }
                    buffer.writeRESP(UnsafeRawBufferPointer(start: output, count: Int(written)))
                }
            }
        }
    }

    /// Encodes one command with a fresh encoder.
    static func encode(_ arguments: [[UInt8]], into buffer: inout some RESPByteSink) {
        var encoder = HiredisCommandEncoder()
        encoder.encode(arguments, into: &buffer)
    }
}

/// Where encoded commands go: a NIO `ByteBuffer` in the client, a byte array in tests and the fuzzer.
protocol RESPByteSink {
    mutating func writeRESP(_ bytes: UnsafeRawBufferPointer)
}

extension Array: RESPByteSink where Element == UInt8 {
    mutating func writeRESP(_ bytes: UnsafeRawBufferPointer) { self.append(contentsOf: bytes) }
}
