public import Foundation

/// A response kept for an `Idempotency-Key`, replayed byte for byte on a retry.
public struct StoredResponse: Sendable, Hashable, Codable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a request with an `Idempotency-Key` should do.
public enum IdempotencyDecision: Sendable, Hashable {
    /// First use of the key (or a previous attempt was abandoned): run the handler, then ``IdempotencyStore/complete``.
    case proceed
    /// Same key, same request: send the stored response again.
    case replay(StoredResponse)
    /// Same key, different request: 422.
    case mismatch
    /// Same key while the first request still runs: 409.
    case inFlight
}

/// Idempotency keys, scoped per user (`scope`), kept for `ttl` (24 h) after first use.
public protocol IdempotencyStore: Sendable {
    /// Claims `key` for a request whose method, path and body hash to `fingerprint`, or says how to answer.
    func begin(scope: String, key: String, fingerprint: String, now: Date, ttl: Duration) async throws -> IdempotencyDecision
    /// Stores the response of a request that began with `.proceed`.
    func complete(scope: String, key: String, response: StoredResponse) async throws
    /// Forgets a claim whose request failed before producing a response worth replaying (a 5xx), so a retry runs.
    func abandon(scope: String, key: String) async throws
    /// Deletes keys past their ttl; returns how many.
    @discardableResult
    func purgeExpired(now: Date) async throws -> Int
}
