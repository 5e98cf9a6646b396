public import BFF
import Foundation

/// One behaviour every refresh-token store must show, run by the memory and the Redis store tests.
///
/// `makeStore()` returns a fresh, empty store (for Redis: its own key prefix). Checks drive the store through
/// ``RefreshTokenService`` with explicit times (the stores never read a clock), so expiry is tested without
/// waiting. A check throws ``RefreshCheckFailed`` on failure.
public struct RefreshTokenCheck: Sendable, CustomStringConvertible {
    public typealias MakeStore = @Sendable () async throws -> any RefreshTokenStore
    public let description: String
    public let run: @Sendable (_ makeStore: MakeStore) async throws -> Void
}

public struct RefreshCheckFailed: Error, CustomStringConvertible {
    public let description: String
}

private func require(_ condition: Bool, _ message: @autoclosure () -> String, line: Int = #line) throws {
    if !condition { throw RefreshCheckFailed(description: "line \(line): \(message())") }
}

public enum RefreshTokenConformance {
    /// A fixed start, far from the real clock: the stores must use the times they are given.
    static let t0 = Date(timeIntervalSince1970: 1_900_000_000)
    static let day: TimeInterval = 24 * 60 * 60

    public static let all: [RefreshTokenCheck] = [
        RefreshTokenCheck(description: "rotate: the old token gives a new one of the same family; expiry stays absolute") { make in
            let service = RefreshTokenService(store: try await make())
            let user = UUID()
            let (first, family) = try await service.issue(userID: user, now: t0)
            try require(family.userID == user && family.expiresAt == t0 + 7 * day, "family \(family)")
            try require(first.family == family.id, "token not of its family")
            let exchange = try await service.rotate(first.value, now: t0 + 60)
            try require(exchange.outcome == .rotated(family), "first rotation: \(exchange.outcome)")
            let second = try unwrap(exchange.successor, "no successor")
            try require(second.family == family.id && second.value != first.value, "successor not a new token of the family")
            let again = try await service.rotate(second.value, now: t0 + 6 * day)
            try require(again.outcome == .rotated(family), "rotation six days later did not keep the family: \(again.outcome)")
        },
        RefreshTokenCheck(description: "reuse of a rotated token revokes the whole family and is reported") { make in
            let service = RefreshTokenService(store: try await make())
            let user = UUID()
            let (first, family) = try await service.issue(userID: user, now: t0)
            let second = try unwrap(try await service.rotate(first.value, now: t0 + 1).successor, "no successor")
            let replay = try await service.rotate(first.value, now: t0 + 2)
            try require(replay.outcome == .reused(family) && replay.successor == nil, "replay: \(replay.outcome)")
            let victim = try await service.rotate(second.value, now: t0 + 3)
            try require(victim.outcome == .revoked(family), "the successor survived the reuse: \(victim.outcome)")
        },
        RefreshTokenCheck(description: "concurrent refreshes with one token yield exactly one successor") { make in
            let service = RefreshTokenService(store: try await make())
            let (first, family) = try await service.issue(userID: UUID(), now: t0)
            let racers = 12
            let outcomes = try await withThrowingTaskGroup(of: RefreshExchange.self) { group in
                for _ in 0..<racers { group.addTask { try await service.rotate(first.value, now: t0 + 5) } }
                return try await group.reduce(into: [RefreshExchange]()) { $0.append($1) }
            }
            let winners = outcomes.filter { $0.successor != nil }
            try require(winners.count == 1, "\(winners.count) successors")
            try require(outcomes.filter { $0.outcome == .reused(family) }.count == 1, "the first loser must report reuse")
            try require(outcomes.filter { $0.outcome == .revoked(family) }.count == racers - 2, "later losers must find the family revoked")
            let successor = try unwrap(winners.first?.successor, "no winner")
            try require(try await service.rotate(successor.value, now: t0 + 6).outcome == .revoked(family), "the winner's successor survived")
        },
        RefreshTokenCheck(description: "logout revokes the family by token or by id; a foreign token revokes nothing") { make in
            let service = RefreshTokenService(store: try await make())
            let user = UUID()
            let (token, family) = try await service.issue(userID: user, now: t0)
            let forged = RefreshToken.generate(family: family.id)
            try require(try await service.revoke(token: forged.value, reason: "logout", now: t0 + 1) == nil, "a forged token revoked the family")
            try require(try await service.revoke(token: token.value, reason: "logout", now: t0 + 1) == family, "logout did not revoke")
            try require(try await service.revoke(token: token.value, reason: "logout", now: t0 + 2) == nil, "revoked twice")
            try require(try await service.rotate(token.value, now: t0 + 3).outcome == .revoked(family), "a logged-out token still works")

            let (other, otherFamily) = try await service.issue(userID: user, now: t0)
            try require(try await service.revoke(family: otherFamily.id, reason: "logout", now: t0 + 1) == otherFamily, "revoke by id failed")
            try require(try await service.rotate(other.value, now: t0 + 2).outcome == .revoked(otherFamily), "revoked by id but still works")
        },
        RefreshTokenCheck(description: "unknown, forged and malformed tokens are unknown and harm nothing") { make in
            let service = RefreshTokenService(store: try await make())
            let (token, family) = try await service.issue(userID: UUID(), now: t0)
            for presented in [RefreshToken.generate(family: family.id).value, RefreshToken.generate(family: RefreshToken.newFamilyID()).value, "garbage", ""] {
                let outcome = try await service.rotate(presented, now: t0 + 1).outcome
                try require(outcome == .unknown, "\(outcome) for a token never issued")
            }
            try require(try await service.rotate(token.value, now: t0 + 2).outcome == .rotated(family), "the real token stopped working")
        },
        RefreshTokenCheck(description: "a family expires seven days after login, however often it was rotated") { make in
            let service = RefreshTokenService(store: try await make())
            let (first, family) = try await service.issue(userID: UUID(), now: t0)
            let second = try unwrap(try await service.rotate(first.value, now: t0 + 6 * day).successor, "no successor at day 6")
            let third = try unwrap(try await service.rotate(second.value, now: t0 + 7 * day - 1).successor, "no successor just before expiry")
            try require(try await service.rotate(third.value, now: t0 + 7 * day).outcome == .expired, "rotation extended the family")
            try require(try await service.revoke(token: third.value, reason: "logout", now: t0 + 7 * day + 1) == nil, "revoked an expired family")
            _ = family
        },
        RefreshTokenCheck(description: "revoking all families of a user leaves other users alone") { make in
            let service = RefreshTokenService(store: try await make())
            let alice = UUID()
            let bob = UUID()
            let (a1, aFamily1) = try await service.issue(userID: alice, now: t0)
            let (a2, aFamily2) = try await service.issue(userID: alice, now: t0 + 10)
            let (b1, bFamily) = try await service.issue(userID: bob, now: t0)
            try require(try await service.revokeAll(userID: alice, reason: "password_change", now: t0 + 20) == 2, "not both of alice's families")
            try require(try await service.rotate(a1.value, now: t0 + 21).outcome == .revoked(aFamily1), "alice's first session survived")
            try require(try await service.rotate(a2.value, now: t0 + 21).outcome == .revoked(aFamily2), "alice's second session survived")
            try require(try await service.rotate(b1.value, now: t0 + 21).outcome == .rotated(bFamily), "bob's session was revoked")
            try require(try await service.revokeAll(userID: alice, reason: "password_change", now: t0 + 22) == 0, "revoked twice")
            let (a3, aFamily3) = try await service.issue(userID: alice, now: t0 + 30)
            try require(try await service.rotate(a3.value, now: t0 + 31).outcome == .rotated(aFamily3), "a login after revokeAll does not work")
        },
        RefreshTokenCheck(description: "creating a family whose id exists is refused") { make in
            let store = try await make()
            let family = RefreshFamily(id: RefreshToken.newFamilyID(), userID: UUID(), issuedAt: t0, expiresAt: t0 + 7 * day)
            try await store.create(family, tokenHash: RefreshToken.generate(family: family.id).hash, now: t0)
            do {
                try await store.create(family, tokenHash: RefreshToken.generate(family: family.id).hash, now: t0)
                throw RefreshCheckFailed(description: "a second family with the same id was created")
            } catch let error as RefreshTokenError {
                try require(error.code == .familyRefused, "\(error)")
            }
        },
    ]

    private static func unwrap<T>(_ value: T?, _ message: String, line: Int = #line) throws -> T {
        guard let value else { throw RefreshCheckFailed(description: "line \(line): \(message)") }
        return value
    }
}
