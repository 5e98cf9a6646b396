public import Foundation

/// Every Redis key of the refresh-token store, built in this one place.
///
/// A family's keys share the hash tag `{<family id>}`, so each Lua script touches one Redis Cluster slot. The
/// per-user index has its own tag and is only ever written with single commands, never inside a family script.
/// Family ids are base64url, so they never contain `{` or `}`.
public struct RefreshTokenKeys: Sendable, Hashable {
    public let prefix: String

    public init(prefix: String = "atrium") {
        self.prefix = prefix
    }

    /// Hash: user, issued and expires (ms), current token hash, state (`active`/`revoked`), reason.
    public func family(_ id: String) -> String { "\(prefix):rt:{\(id)}:family" }

    /// Set of the family's spent token hashes: presenting one again is reuse.
    public func spent(_ id: String) -> String { "\(prefix):rt:{\(id)}:spent" }

    /// Set of a user's family ids, for revoking all of them.
    public func user(_ id: UUID) -> String { "\(prefix):rt:user:{\(id.uuidString.lowercased())}" }
}
