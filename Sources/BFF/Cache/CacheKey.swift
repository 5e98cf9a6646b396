/// Whose data a cache entry holds. Every key carries one, so an entry can only be read back by a request
/// for the same tenant and customer (tenant and customer come from the access token, never the request).
public enum CacheScope: Sendable, Hashable {
    case customer(tenant: String, customer: String)
    /// Shared by every customer of a tenant, such as the catalog.
    case global(tenant: String)

    /// The Redis hash tag: every key and tag of one scope lives in one cluster slot, so a tag's
    /// invalidation script touches one slot only.
    var hashTag: String {
        switch self {
        case .customer(let tenant, let customer): "{\(CacheKey.escape(tenant)):c:\(CacheKey.escape(customer))}"
        case .global(let tenant): "{\(CacheKey.escape(tenant)):global}"
        }
    }
}

/// The cached resources, each with its default freshness (the design's TTLs) and a schema version to
/// bump when the cached type changes shape, so old bytes are never read as the new type.
public enum CacheResource: String, Sendable, Hashable, CaseIterable {
    case invoices, subscriptions, simDetails = "sim-details", simUsage = "sim-usage", cases, catalog, profile

    public var defaultTTL: Duration {
        switch self {
        case .invoices: .seconds(90)
        case .subscriptions: .seconds(120)
        case .simDetails: .seconds(60)
        case .simUsage: .seconds(30)
        case .cases: .seconds(45)
        case .catalog: .seconds(600)
        case .profile: .seconds(300)
        }
    }

    /// Bump when the Swift type stored for this resource changes incompatibly.
    var schemaVersion: Int { 1 }
}

/// A fully built cache key. The only way to make one is ``init(scope:resource:discriminator:)``.
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    /// Bumped when the envelope format of every entry changes.
    public static let formatVersion = 1
    public static let prefix = "atrium:cache:v\(formatVersion)"

    public let scope: CacheScope
    public let resource: CacheResource
    /// The Redis key.
    public let rawValue: String

    /// - Parameter discriminator: what distinguishes entries of one resource in one scope: an id, or a
    ///   list's normalised query (`status=open&limit=20`). Escaped, so it cannot forge another key.
    public init(scope: CacheScope, resource: CacheResource, discriminator: String = "all") {
        self.scope = scope
        self.resource = resource
        self.rawValue = "\(Self.prefix):\(scope.hashTag):\(resource.rawValue)@\(resource.schemaVersion):\(Self.escape(discriminator))"
    }

    public var description: String { rawValue }

    /// Percent-escapes everything but `A-Z a-z 0-9 - _ .` so ids cannot inject `:`, `{` or `}`.
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: "&"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

/// A label over entries of one scope (`invoices`, `dashboard`), so a webhook can bust them all at once.
///
/// Every entry also carries its scope's ``all(_:)`` tag, so "invalidate this customer" needs no list of resources.
public struct CacheTag: Sendable, Hashable, CustomStringConvertible {
    public let scope: CacheScope
    public let name: String
    /// The Redis key of the tag's member set.
    public let rawValue: String

    public init(scope: CacheScope, name: String) {
        self.scope = scope
        self.name = name
        self.rawValue = "\(CacheKey.prefix):\(scope.hashTag):tag:\(CacheKey.escape(name))"
    }

    /// The tag every entry of `scope` carries.
    public static func all(_ scope: CacheScope) -> CacheTag { CacheTag(scope: scope, name: "*") }

    public var description: String { rawValue }
}
