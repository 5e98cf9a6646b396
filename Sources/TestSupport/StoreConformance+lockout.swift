public import BFF
import Foundation

extension StoreConformance {
    static let lockoutChecks: [StoreCheck] = [
        StoreCheck(description: "failures count up, lock at the threshold, and the count restarts after the lock") { make in
            let users = try await make().users
            let alice = account("alice@example.com")
            try await users.create(alice)
            let policy = LockoutPolicy(maxFailures: 3, lockDuration: .seconds(600))
            func fail(_ second: Int) async throws -> LoginFailureOutcome {
                try await users.recordLoginFailure(id: alice.id, now: at(second), policy: policy)
            }
            try expect(try await fail(0) == LoginFailureOutcome(failedLogins: 1, lockedUntil: nil, lockedNow: false), "first failure")
            try expect(try await fail(1) == LoginFailureOutcome(failedLogins: 2, lockedUntil: nil, lockedNow: false), "second failure")
            try expect(try await fail(2) == LoginFailureOutcome(failedLogins: 0, lockedUntil: at(602), lockedNow: true), "third failure locks")
            let locked = try await users.user(id: alice.id)
            try expect(locked?.failedLogins == 0 && locked?.lockedUntil == at(602), "stored lock: \(String(describing: locked))")
            // While locked nothing changes, and the lockout is not reported again.
            try expect(try await fail(300) == LoginFailureOutcome(failedLogins: 0, lockedUntil: at(602), lockedNow: false), "while locked")
            try expect(try await users.user(id: alice.id) == locked, "a failure while locked changed the account")
            // Once the lock has passed, counting starts again from zero.
            try expect(try await fail(602) == LoginFailureOutcome(failedLogins: 1, lockedUntil: nil, lockedNow: false), "after the lock")
            try expect(try await fail(603).failedLogins == 2, "counting again")
            try expect(try await fail(604) == LoginFailureOutcome(failedLogins: 0, lockedUntil: at(1204), lockedNow: true), "locks again")
        },
        StoreCheck(description: "concurrent failures are counted exactly, and exactly one of them locks") { make in
            let users = try await make().users
            let counted = account("counted@example.com")
            try await users.create(counted)
            let generous = LockoutPolicy(maxFailures: 1000, lockDuration: .seconds(600))
            let outcomes = try await withThrowingTaskGroup(of: LoginFailureOutcome.self) { group in
                for _ in 0..<25 { group.addTask { try await users.recordLoginFailure(id: counted.id, now: t0, policy: generous) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try expect(outcomes.map(\.failedLogins).sorted() == Array(1...25), "each failure saw its own count: \(outcomes.map(\.failedLogins).sorted())")
            try expect(try await users.user(id: counted.id)?.failedLogins == 25, "stored count")

            let locked = account("locked@example.com")
            try await users.create(locked)
            let strict = LockoutPolicy(maxFailures: 5, lockDuration: .seconds(600))
            let lockOutcomes = try await withThrowingTaskGroup(of: LoginFailureOutcome.self) { group in
                for _ in 0..<12 { group.addTask { try await users.recordLoginFailure(id: locked.id, now: t0, policy: strict) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try expect(lockOutcomes.filter(\.lockedNow).count == 1, "lockouts reported: \(lockOutcomes.filter(\.lockedNow).count)")
            try expect(lockOutcomes.filter { $0.lockedUntil != nil }.count == 8, "the locking failure and the 7 after it see the lock")
            let stored = try await users.user(id: locked.id)
            try expect(stored?.lockedUntil == at(600) && stored?.failedLogins == 0, "stored: \(String(describing: stored))")
        },
        StoreCheck(description: "a successful login clears the failure count and the lock") { make in
            let users = try await make().users
            let alice = account("alice@example.com")
            try await users.create(alice)
            let policy = LockoutPolicy(maxFailures: 3, lockDuration: .seconds(600))
            _ = try await users.recordLoginFailure(id: alice.id, now: t0, policy: policy)
            _ = try await users.recordLoginFailure(id: alice.id, now: t0, policy: policy)
            try await users.recordLoginSuccess(id: alice.id)
            try expect(try await users.user(id: alice.id) == alice, "success left state behind")
            try expect(try await users.recordLoginFailure(id: alice.id, now: t0, policy: policy).failedLogins == 1, "count restarts")
            _ = try await users.recordLoginFailure(id: alice.id, now: t0, policy: policy)
            try expect(try await users.recordLoginFailure(id: alice.id, now: t0, policy: policy).lockedNow, "locks at 3")
            try await users.recordLoginSuccess(id: alice.id)
            try expect(try await users.user(id: alice.id) == alice, "success kept the lock")
        },
    ]
}
