/// A Swift type a reply can be decoded into: `try reply.decode(as: Int.self)`.
public protocol RESPDecodable {
    init(resp: RESPValue) throws(RedisError)
}

extension RESPValue {
    /// Decodes the reply, throwing `.unexpectedReply` when its type does not fit.
    public func decode<T: RESPDecodable>(as type: T.Type = T.self) throws(RedisError) -> T {
        try T(resp: self)
    }
}

private func mismatch(_ value: RESPValue, _ expected: String) -> RedisError {
    RedisError(.unexpectedReply, "expected \(expected), got \(value)")
}

extension String: RESPDecodable {
    public init(resp: RESPValue) throws(RedisError) {
        guard let text = resp.string else { throw mismatch(resp, "a UTF-8 string") }
        self = text
    }
}

extension Int: RESPDecodable {
    public init(resp: RESPValue) throws(RedisError) {
        guard let value = resp.int, let int = Int(exactly: value) else { throw mismatch(resp, "an integer") }
        self = int
    }
}

extension Int64: RESPDecodable {
    public init(resp: RESPValue) throws(RedisError) {
        guard let value = resp.int else { throw mismatch(resp, "an integer") }
        self = value
    }
}

extension Double: RESPDecodable {
    public init(resp: RESPValue) throws(RedisError) {
        if case .integer(let value) = resp {
            self = Double(value)
            return
        }
        guard let text = resp.string, let value = Double(text) else { throw mismatch(resp, "a number") }
        self = value
    }
}

extension Bool: RESPDecodable {
    /// `:1`/`:0` as Redis answers `EXISTS`, `SISMEMBER`, `SETNX`; `+OK` as true.
    public init(resp: RESPValue) throws(RedisError) {
        switch resp {
        case .integer(let value): self = value != 0
        case .simpleString("OK"): self = true
        default: throw mismatch(resp, "a boolean")
        }
    }
}

extension Array: RESPDecodable where Element: RESPDecodable {
    public init(resp: RESPValue) throws(RedisError) {
        guard case .array(let values) = resp else { throw mismatch(resp, "an array") }
        var result: [Element] = []
        result.reserveCapacity(values.count)
        for value in values { result.append(try Element(resp: value)) }
        self = result
    }
}

extension Optional: RESPDecodable where Wrapped: RESPDecodable {
    /// A nil reply decodes to `nil`; anything else to the wrapped type.
    public init(resp: RESPValue) throws(RedisError) {
        if case .null = resp {
            self = .none
        } else {
            self = .some(try Wrapped(resp: resp))
        }
    }
}
