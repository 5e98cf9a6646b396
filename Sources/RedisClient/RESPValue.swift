/// A reply from Redis, deep-copied out of hiredis into Swift values.
///
/// Error replies appear as `.error` only where Redis nests them (inside an `EXEC` result, for instance);
/// a top-level error reply is thrown by ``RedisConnection/send(_:_:)`` as a ``RedisError`` with code `.server`.
public enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    case bulkString([UInt8])
    case null
    case array([RESPValue])
}

extension RESPValue {
    /// The value as text: a simple string, or a bulk string that is valid UTF-8.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes): String(validating: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The raw bytes of a simple or bulk string.
    public var bytes: [UInt8]? {
        switch self {
        case .simpleString(let text): Array(text.utf8)
        case .bulkString(let bytes): bytes
        default: nil
        }
    }

    /// An integer reply, or a string reply holding a decimal integer (as `INCRBYFLOAT`-free commands return).
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .simpleString, .bulkString: self.string.flatMap { Int64($0) }
        default: nil
        }
    }

    public var array: [RESPValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension RESPValue: CustomStringConvertible {
    /// A short rendering for debugging; bulk strings show their length only, as they may hold customer data.
    public var description: String {
        switch self {
        case .simpleString(let text): "+\(text)"
        case .error(let message): "-\(message)"
        case .integer(let value): ":\(value)"
        case .bulkString(let bytes): "$<\(bytes.count) bytes>"
        case .null: "(nil)"
        case .array(let values): "*[\(values.map(\.description).joined(separator: ", "))]"
        }
    }
}

/// Something that can be sent as one argument of a Redis command.
public protocol RESPArgument: Sendable {
    var respBytes: [UInt8] { get }
}

extension String: RESPArgument {
    public var respBytes: [UInt8] { Array(self.utf8) }
}

extension Substring: RESPArgument {
    public var respBytes: [UInt8] { Array(self.utf8) }
}

extension Array: RESPArgument where Element == UInt8 {
    public var respBytes: [UInt8] { self }
}

extension Int: RESPArgument {
    public var respBytes: [UInt8] { Array(String(self).utf8) }
}

extension Int64: RESPArgument {
    public var respBytes: [UInt8] { Array(String(self).utf8) }
}
