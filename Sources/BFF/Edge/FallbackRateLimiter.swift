public import Foundation
public import Logging
import NIOConcurrencyHelpers

/// Asks the shared limiter (Redis) first and, when it fails or does not answer within `timeout`, decides with an
/// in-process limiter instead, so login stays limited during a Redis outage.
///
/// The outage is logged once when it starts (warning) and once when it ends (info), never per request. While it
/// lasts, each request still tries Redis first: the pool fails fast between its reconnect attempts, and the first
/// success ends the outage.
public struct FallbackRateLimiter<Primary: RateLimiter, Fallback: RateLimiter>: RateLimiter {
    let primary: Primary
    let fallback: Fallback
    let timeout: Duration
    let logger: Logger
    private let outage = NIOLockedValueBox(false)

    /// - Parameters:
    ///   - primary: The shared limiter.
    ///   - fallback: The local stand-in.
    ///   - timeout: How long a request waits for the shared limiter before deciding locally.
    ///   - logger: Where the start and end of an outage are logged.
    public init(primary: Primary, fallback: Fallback, timeout: Duration = .milliseconds(250), logger: Logger) {
        self.primary = primary
        self.fallback = fallback
        self.timeout = timeout
        self.logger = logger
    }

    /// True while the shared limiter is failing and decisions are local.
    public var isFallingBack: Bool { outage.withLockedValue { $0 } }

    public func acquire(_ policy: RateLimitPolicy, buckets: [RateLimitBucket], now: Date) async throws -> RateLimitDecision {
        let primary = self.primary
        do {
            let decision = try await withDeadline(timeout) {
                try await primary.acquire(policy, buckets: buckets, now: now)
            }
            let recovered = outage.withLockedValue { outage in
                defer { outage = false }
                return outage
            }
            if recovered { logger.info("rate limiter: shared store reachable again; limits are shared across processes") }
            return decision
        } catch {
            let started = outage.withLockedValue { outage in
                defer { outage = true }
                return !outage
            }
            if started {
                logger.warning(
                    "rate limiter: shared store failed; limiting in process memory until it answers again",
                    metadata: ["error": "\(error)"]
                )
            }
            return try await fallback.acquire(policy, buckets: buckets, now: now)
        }
    }
}
