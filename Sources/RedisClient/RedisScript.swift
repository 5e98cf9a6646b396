import Crypto

/// A Lua script, run by SHA with `EVALSHA` and loaded transparently when Redis does not know it.
///
/// The SHA-1 is computed locally, so the first call costs one round trip like every later one; after a Redis
/// restart or `SCRIPT FLUSH` the `NOSCRIPT` reply triggers one `EVAL`, which also caches the script again.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lower-case hex SHA-1 of `source`, as Redis names scripts.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension RedisConnection {
    /// Runs `script` with `EVALSHA`, falling back to `EVAL` once on `NOSCRIPT`.
    @discardableResult
    public func run(_ script: RedisScript, keys: [any RESPArgument] = [], arguments: [any RESPArgument] = []) async throws(RedisError) -> RESPValue {
        let tail: [any RESPArgument] = [keys.count] + keys + arguments
        do {
            return try await send(RedisCommand("EVALSHA", arguments: [script.sha1] + tail))
        } catch where error.serverErrorPrefix == "NOSCRIPT" {
            return try await send(RedisCommand("EVAL", arguments: [script.source] + tail))
        }
    }
}

extension RedisPool {
    /// Runs `script` on a pooled connection with `EVALSHA`, falling back to `EVAL` once on `NOSCRIPT`.
    @discardableResult
    public func run(_ script: RedisScript, keys: [any RESPArgument] = [], arguments: [any RESPArgument] = []) async throws(RedisError) -> RESPValue {
        try await connection().run(script, keys: keys, arguments: arguments)
    }
}
