import Domain
public import Foundation
public import Logging
import Providers
public import Queue

/// Changes a SIM line's plan in the background (`sim.plan-change` on the `fulfillment` queue), as
/// `POST /api/v1/sims/{id}/plan-change` asks.
///
/// The handler submits the change with the job's stable idempotency key (so a retried or recovered run replays the
/// platform's first operation instead of starting a second), polls the operation until it ends, and invalidates the
/// customer's `sims` cache tag: once when the change is accepted (the line now shows its pending operation) and once
/// when it has finished.
public enum PlanChangeJob {
    public static let name = "sim.plan-change"
    /// The queue the job runs on.
    public static let queue = "fulfillment"

    /// What the route enqueues: who asked, for which line, which plan. Built by the server, never by the client.
    public struct Payload: Codable, Sendable, Hashable {
        /// The Atrium user the line belongs to (its cache scope is invalidated).
        public let userID: UUID
        public let tenant: String
        public let lineID: String
        public let plan: String
        /// The id the route answered with (`operation_id`).
        public let operationID: String

        public init(userID: UUID, tenant: String, lineID: String, plan: String, operationID: String) {
            self.userID = userID
            self.tenant = tenant
            self.lineID = lineID
            self.plan = plan
            self.operationID = operationID
        }

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case tenant
            case lineID = "line_id"
            case plan
            case operationID = "operation_id"
        }
    }

    /// The job id of an operation: enqueueing the same operation twice adds one job, and the job's idempotency key
    /// (`fulfillment:<job id>`) is the same on every run.
    public static func jobID(operationID: String) -> String { "sim-plan-change-\(operationID)" }

    /// Enqueues the change on `queue` and returns the job id.
    public static func enqueue(_ payload: Payload, on queue: any JobQueueDriver, now: Date) async throws -> String {
        let options = JobOptions(jobID: jobID(operationID: payload.operationID), retry: .standard, timeout: .seconds(60))
        let bytes = Array(try JSONEncoder().encode(payload))
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await queue.enqueue(name: name, payload: bytes, options: options, now: nowMillis).id
    }

    /// The platform's operation did not end within one run; the next run resumes it (same idempotency key).
    public struct StillRunning: Error, CustomStringConvertible {
        public let operationID: String
        public var description: String { "SIM operation \(operationID) still running" }
    }

    /// The handler to register for ``name`` on the `fulfillment` queue.
    ///
    /// - Parameters:
    ///   - providers: Where the SIM platform adapter comes from.
    ///   - cache: The cache whose `sims` tag of the customer is invalidated.
    ///   - pollInterval: The pause between reads of the platform's operation.
    ///   - maxWait: How long one run polls before handing the job back for a retry (well under the lease).
    public static func handler(
        providers: ProviderRegistry,
        cache: Cache,
        pollInterval: Duration = .milliseconds(250),
        maxWait: Duration = .seconds(20),
        logger: Logger = Logger(label: "atrium.job.plan-change")
    ) -> JobWorker.Handler {
        { context in
            let payload: Payload
            do {
                payload = try context.payload()
            } catch {
                throw PermanentJobError("plan change payload is not decodable")
            }
            guard let sim = providers.sim else { throw PermanentJobError("no SIM platform is configured") }
            let scope = CustomerIdentity(userID: payload.userID, tenant: payload.tenant, family: nil).cacheScope
            var operation = try await classified {
                try await sim.changePlan(lineID: payload.lineID, plan: payload.plan, idempotencyKey: context.idempotencyKey)
            }
            await invalidate(cache, scope: scope, logger: logger)
            let end = ContinuousClock.now + maxWait
            while !operation.status.isFinished {
                guard ContinuousClock.now < end else { throw StillRunning(operationID: operation.id) }
                try await Task.sleep(for: pollInterval)
                let id = operation.id
                operation = try await classified { try await sim.operation(id: id) }
            }
            await invalidate(cache, scope: scope, logger: logger)
            guard operation.status == .succeeded else {
                // The platform ran the change and refused it: retrying the same request cannot help.
                throw PermanentJobError("the SIM platform refused the plan change (\(operation.errorCode ?? "no code"))")
            }
            logger.info("plan changed", metadata: ["operation": "\(payload.operationID)", "platform_operation": "\(operation.id)"])
        }
    }

    /// Runs a platform call; a refusal or an unknown line is permanent, anything else (unavailable, timeout,
    /// a line locked by another operation) is retried with the job's backoff.
    static func classified<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as ProviderError where error.code == .rejected || error.code == .notFound {
            throw PermanentJobError("plan change refused: \(error)")
        }
    }

    /// Invalidation is best effort: if the cache is unreachable the entries expire by their TTL.
    static func invalidate(_ cache: Cache, scope: CacheScope, logger: Logger) async {
        do {
            try await cache.invalidate(CacheTag(scope: scope, name: PortalCacheTag.sims))
        } catch {
            logger.warning("could not invalidate the SIM cache", metadata: ["error": "\(error)"])
        }
    }
}
