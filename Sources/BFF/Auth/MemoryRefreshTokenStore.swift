public import Foundation
import NIOConcurrencyHelpers

/// Refresh-token families in process memory (embedded default), with the same rules as the Redis store: each
/// operation runs under one lock, which makes it as atomic as a Lua script.
public final class MemoryRefreshTokenStore: RefreshTokenStore {
    private struct Family {
        var info: RefreshFamily
        var current: String
        var spent: Set<String> = []
        var revokedReason: String?
    }

    private struct State {
        var families: [String: Family] = [:]
        var byUser: [UUID: Set<String>] = [:]
        var createsSinceSweep = 0

        /// Drops families whose absolute expiry has passed; nothing can be done with them any more.
        mutating func sweep(now: Date) {
            createsSinceSweep = 0
            let expired = families.filter { $0.value.info.expiresAt <= now }
            for (id, family) in expired {
                families[id] = nil
                byUser[family.info.userID]?.remove(id)
                if byUser[family.info.userID]?.isEmpty == true { byUser[family.info.userID] = nil }
            }
        }
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func create(_ family: RefreshFamily, tokenHash: String, now: Date) async throws {
        try state.withLockedValue { state in
            state.createsSinceSweep += 1
            if state.createsSinceSweep >= 256 { state.sweep(now: now) }
            guard state.families[family.id] == nil else {
                throw RefreshTokenError(.familyRefused, "family id exists")
            }
            state.families[family.id] = Family(info: family, current: tokenHash)
            state.byUser[family.userID, default: []].insert(family.id)
        }
    }

    public func rotate(family id: String, presentedHash: String, successorHash: String, now: Date) async throws -> RefreshRotation {
        state.withLockedValue { state in
            guard var family = state.families[id], family.current == presentedHash || family.spent.contains(presentedHash) else {
                return .unknown
            }
            if family.revokedReason != nil { return .revoked(family.info) }
            if now >= family.info.expiresAt { return .expired }
            guard family.current == presentedHash else {
                family.revokedReason = "reuse"
                state.families[id] = family
                return .reused(family.info)
            }
            family.spent.insert(presentedHash)
            family.current = successorHash
            state.families[id] = family
            return .rotated(family.info)
        }
    }

    public func revoke(family id: String, presentedHash: String?, reason: String, now: Date) async throws -> RefreshFamily? {
        state.withLockedValue { state in
            guard var family = state.families[id], family.revokedReason == nil, now < family.info.expiresAt else { return nil }
            if let presentedHash, family.current != presentedHash, !family.spent.contains(presentedHash) { return nil }
            family.revokedReason = reason
            state.families[id] = family
            return family.info
        }
    }

    public func revokeAll(userID: UUID, reason: String, now: Date) async throws -> Int {
        state.withLockedValue { state in
            var count = 0
            for id in state.byUser[userID] ?? [] {
                guard var family = state.families[id], family.revokedReason == nil, now < family.info.expiresAt else { continue }
                family.revokedReason = reason
                state.families[id] = family
                count += 1
            }
            return count
        }
    }
}
