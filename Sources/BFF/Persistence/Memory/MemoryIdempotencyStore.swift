public import Foundation
import NIOConcurrencyHelpers

/// Idempotency keys in process memory, with the same decisions as the PostgreSQL store.
public final class MemoryIdempotencyStore: IdempotencyStore {
    private struct Entry {
        var fingerprint: String
        var response: StoredResponse?
        var expiresAt: Date
    }

    private let state = NIOLockedValueBox<[String: Entry]>([:])

    public init() {}

    private static func id(_ scope: String, _ key: String) -> String { "\(scope)\u{0}\(key)" }

    public func begin(scope: String, key: String, fingerprint: String, now: Date, ttl: Duration) async throws -> IdempotencyDecision {
        state.withLockedValue { entries in
            let id = Self.id(scope, key)
            if let entry = entries[id], entry.expiresAt > now {
                guard entry.fingerprint == fingerprint else { return .mismatch }
                if let response = entry.response { return .replay(response) }
                return .inFlight
            }
            entries[id] = Entry(fingerprint: fingerprint, response: nil, expiresAt: now.addingTimeInterval(ttl.timeInterval))
            return .proceed
        }
    }

    public func complete(scope: String, key: String, response: StoredResponse) async throws {
        state.withLockedValue { entries in
            entries[Self.id(scope, key)]?.response = response
        }
    }

    public func abandon(scope: String, key: String) async throws {
        _ = state.withLockedValue { entries in
            entries.removeValue(forKey: Self.id(scope, key))
        }
    }

    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        state.withLockedValue { entries in
            let expired = entries.filter { $0.value.expiresAt <= now }.map(\.key)
            for id in expired { entries.removeValue(forKey: id) }
            return expired.count
        }
    }
}
