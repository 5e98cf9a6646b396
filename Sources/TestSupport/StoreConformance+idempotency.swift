public import BFF
import Foundation

extension StoreConformance {
    static let day = Duration.seconds(86_400)

    static func response(_ text: String) -> StoredResponse {
        StoredResponse(
            status: 201,
            headers: ["Content-Type": "application/json", "Location": "/api/v1/cases/1", "X-Ünïcode": "✓"],
            body: Array(text.utf8) + [0, 10, 13, 255, 128]
        )
    }

    static let idempotencyChecks: [StoreCheck] = [
        StoreCheck(description: "a first request proceeds; a repeat is in flight, then replays the stored response") { make in
            let keys = try await make().idempotency
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f1", now: t0, ttl: day) == .proceed, "first use")
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f1", now: at(1), ttl: day) == .inFlight, "while running")
            let stored = response(#"{"id":"1"}"#)
            try await keys.complete(scope: "u1", key: "k1", response: stored)
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f1", now: at(2), ttl: day) == .replay(stored), "replay")
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f1", now: at(3), ttl: day) == .replay(stored), "replay again")
            let empty = StoredResponse(status: 204, headers: [:], body: [])
            try expect(try await keys.begin(scope: "u1", key: "k2", fingerprint: "f", now: t0, ttl: day) == .proceed, "second key")
            try await keys.complete(scope: "u1", key: "k2", response: empty)
            try expect(try await keys.begin(scope: "u1", key: "k2", fingerprint: "f", now: t0, ttl: day) == .replay(empty), "empty response")
        },
        StoreCheck(description: "the same key with another request is a mismatch, in flight or completed") { make in
            let keys = try await make().idempotency
            _ = try await keys.begin(scope: "u1", key: "k1", fingerprint: "f1", now: t0, ttl: day)
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f2", now: t0, ttl: day) == .mismatch, "in flight")
            try await keys.complete(scope: "u1", key: "k1", response: response("done"))
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f2", now: t0, ttl: day) == .mismatch, "completed")
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f1", now: t0, ttl: day) == .replay(response("done")), "original")
        },
        StoreCheck(description: "an abandoned key runs again, with any request") { make in
            let keys = try await make().idempotency
            _ = try await keys.begin(scope: "u1", key: "k1", fingerprint: "f1", now: t0, ttl: day)
            try await keys.abandon(scope: "u1", key: "k1")
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f2", now: at(1), ttl: day) == .proceed, "after abandon")
            try expect(try await keys.begin(scope: "u1", key: "k1", fingerprint: "f2", now: at(2), ttl: day) == .inFlight, "claimed again")
            try await keys.abandon(scope: "u1", key: "unknown")
        },
        StoreCheck(description: "an expired key counts as absent; purging removes expired keys only") { make in
            let keys = try await make().idempotency
            let minute = Duration.seconds(60)
            _ = try await keys.begin(scope: "u1", key: "old", fingerprint: "f1", now: t0, ttl: minute)
            try await keys.complete(scope: "u1", key: "old", response: response("old"))
            _ = try await keys.begin(scope: "u1", key: "running", fingerprint: "f1", now: t0, ttl: minute)
            try expect(try await keys.begin(scope: "u1", key: "old", fingerprint: "f1", now: at(59), ttl: minute) == .replay(response("old")), "live")
            // At its expiry instant a key is gone: completed or in flight, with the same request or another.
            try expect(try await keys.begin(scope: "u1", key: "old", fingerprint: "f2", now: at(60), ttl: minute) == .proceed, "expired completed key")
            try expect(try await keys.begin(scope: "u1", key: "old", fingerprint: "f2", now: at(61), ttl: minute) == .inFlight, "the new claim")
            try expect(try await keys.begin(scope: "u1", key: "running", fingerprint: "f1", now: at(60), ttl: minute) == .proceed, "expired claim")
            _ = try await keys.begin(scope: "u1", key: "late", fingerprint: "f1", now: at(100), ttl: minute)
            try expect(try await keys.purgeExpired(now: at(119)) == 0, "nothing expired at 119 s")
            try expect(try await keys.purgeExpired(now: at(120)) == 2, "the two claims taken at 60 s expire at 120 s")
            try expect(try await keys.begin(scope: "u1", key: "late", fingerprint: "f1", now: at(121), ttl: minute) == .inFlight, "purge removed a live key")
            try expect(try await keys.purgeExpired(now: at(10_000)) == 1, "the last key")
        },
        StoreCheck(description: "keys are scoped: one user's key never answers another user's request") { make in
            let keys = try await make().idempotency
            _ = try await keys.begin(scope: "user:1", key: "same", fingerprint: "f1", now: t0, ttl: day)
            try await keys.complete(scope: "user:1", key: "same", response: response("one"))
            try expect(try await keys.begin(scope: "user:2", key: "same", fingerprint: "f1", now: t0, ttl: day) == .proceed, "other scope")
            try await keys.complete(scope: "user:2", key: "same", response: response("two"))
            try expect(try await keys.begin(scope: "user:1", key: "same", fingerprint: "f1", now: t0, ttl: day) == .replay(response("one")), "1")
            try expect(try await keys.begin(scope: "user:2", key: "same", fingerprint: "f1", now: t0, ttl: day) == .replay(response("two")), "2")
            try await keys.abandon(scope: "user:2", key: "same")
            try expect(try await keys.begin(scope: "user:1", key: "same", fingerprint: "f1", now: t0, ttl: day) == .replay(response("one")), "kept")
        },
        StoreCheck(description: "concurrent first uses of one key: exactly one proceeds") { make in
            let keys = try await make().idempotency
            for (round, fingerprints) in [["f"], ["f", "g"]].enumerated() {
                let decisions = try await withThrowingTaskGroup(of: IdempotencyDecision.self) { group in
                    for index in 0..<16 {
                        let fingerprint = fingerprints[index % fingerprints.count]
                        group.addTask { try await keys.begin(scope: "u", key: "k\(round)", fingerprint: fingerprint, now: t0, ttl: day) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                try expect(decisions.filter { $0 == .proceed }.count == 1, "round \(round): \(decisions)")
                let others = decisions.filter { $0 != .proceed }
                try expect(others.allSatisfy { $0 == .inFlight || $0 == .mismatch }, "round \(round): \(decisions)")
                if fingerprints.count == 1 { try expect(others.allSatisfy { $0 == .inFlight }, "one request, no mismatch: \(decisions)") }
            }
        },
    ]
}
