import Crypto
public import Foundation

/// Every Redis key (and memory map key) of the rate limiter, built in this one place.
///
/// `<prefix>:{<policy>}:ip:<address>` and `<prefix>:{<policy>}:user:<uuid>`. The hash tag `{<policy>}` puts the
/// buckets one request touches (its IP and its user, always under the same policy) in one Redis Cluster slot, so
/// the all-or-nothing script runs unchanged on a cluster. The prefix is `atrium:rl` in production; tests pass
/// their own so concurrent runs never share buckets.
public struct RateLimitKeys: Sendable, Hashable {
    public let prefix: String

    public init(prefix: String = "atrium:rl") {
        self.prefix = prefix
    }

    /// The key of one bucket under one policy.
    public func key(_ policy: RateLimitPolicy, _ bucket: RateLimitBucket) -> String {
        switch bucket {
        case .ip(let address):
            "\(prefix):{\(policy.name)}:ip:\(Self.safeAddress(address))"
        case .user(let id):
            "\(prefix):{\(policy.name)}:user:\(id.uuidString.lowercased())"
        }
    }

    /// The address as is when it looks like an IPv4 or IPv6 literal; anything else (it cannot come from the socket,
    /// but a forwarded header is text) is replaced by its hash, so no input can shape a key.
    static func safeAddress(_ address: String) -> String {
        let bytes = address.utf8
        let plain =
            (1...64).contains(bytes.count)
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
            }
        if plain { return address.lowercased() }
        let digest = SHA256.hash(data: Array(bytes))
        return "h-"
            + digest.prefix(16).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
    }
}
