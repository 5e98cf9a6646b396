// libFuzzer entry for the Redis reply path: hiredis's reader plus the deep copy into `RESPValue`.
//
// Built outside SwiftPM by scripts/fuzz-reply (swiftc -sanitize=fuzzer,address) together with the
// RedisClient sources it exercises. Two properties are checked on every input:
//  1. nothing crashes, leaks past ASan, or loops: any byte string is either replies or a protocolError;
//  2. feeding the same bytes in chunks (sizes drawn from the input) yields exactly the same replies and
//     the same error as feeding them at once — the incremental parser has no state bugs.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = parse(chunks: [bytes[...]])
    var chunks: [ArraySlice<UInt8>] = []
    var index = 0
    var step = 1
    while index < bytes.count {
        // Chunk sizes from the input itself, so the fuzzer explores split points.
        step = Int(bytes[index] % 7) + 1
        let end = min(bytes.count, index + step)
        chunks.append(bytes[index..<end])
        index = end
    }
    let chunked = parse(chunks: chunks)
    if whole != chunked {
        fatalError("chunked parse differs: whole=\(whole) chunked=\(chunked)")
    }
    return 0
}

struct Outcome: Equatable, CustomStringConvertible {
    var replies: [RESPValue] = []
    var failed = false
    var description: String { "\(replies.map(\.description)) failed=\(failed)" }
}

func parse(chunks: [ArraySlice<UInt8>]) -> Outcome {
    let reader = HiredisReader()
    var outcome = Outcome()
    do throws(RedisError) {
        for chunk in chunks {
            var feedError: RedisError?
            chunk.withUnsafeBytes { raw in
                do throws(RedisError) { try reader.feed(raw) } catch { feedError = error }
            }
            if let feedError { throw feedError }
            while let reply = try reader.next() {
                outcome.replies.append(reply)
                _ = reply.description
            }
        }
    } catch {
        guard error.code == .protocolError else { fatalError("unexpected error kind \(error)") }
        outcome.failed = true
    }
    return outcome
}
