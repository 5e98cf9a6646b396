import Domain
import Foundation
import Logging
public import Queue

/// Runs an order's fulfillment saga: the handler of `order.fulfill` (``FulfillmentJob``), one job per order.
///
/// Every run starts from the top and resumes from what is persisted: the order (its status and saga state) and
/// its saga step records. A step already `succeeded` is skipped; a step's record is saved `running` before its
/// upstream call and `succeeded` with the upstream's ids before the next step begins; each upstream call carries
/// the step's key (``SagaStepRecord/idempotencyKey(orderID:step:generation:)``), so a replayed call returns what the
/// first one made. A run reads and writes the step records of the order's saga generation only: a staff retry
/// that starts the saga anew (``Order/sagaGeneration`` + 1) runs every step again under new keys. SIM operations
/// are waited on by snoozing the job (``JobSnooze``), which frees the worker slot.
///
/// A retryable upstream failure is rethrown (the queue retries the job, critical policy); a permanent one, or
/// the last attempt, starts compensation, which runs in reverse order, each compensation keyed and retried
/// (snoozing between tries); when one keeps failing the saga is parked as `compensation_failed` and the job is
/// dead-lettered for staff, whose retry of the job runs the failed compensations again.
public struct FulfillmentSaga: Sendable {
    /// Tuning of the saga's waits and retries, and the catalog mapping it plans with.
    public struct Settings: Sendable {
        /// SKU → billing product, SIM plan and supplier item.
        public var catalog: FulfillmentCatalog
        /// The longest pause between reads of a running SIM operation (the job is snoozed meanwhile).
        ///
        /// Reads back off: the next one comes after half the time waited so far, at least ``firstPollDelay`` and
        /// at most this. An operation that ends at once (the sandbox at zero delay) is seen after about 20 ms; one
        /// of the sandbox's default 1.5 s is seen at most 200 ms late (13 %), after about a dozen reads.
        public var pollInterval: Duration
        /// The shortest pause before reading a running SIM operation again.
        public var firstPollDelay: Duration
        /// Tries of one compensation before it is given up as `compensation_failed` (snoozes between tries do not
        /// spend the job's attempts).
        public var compensationAttempts: Int
        /// The pause before each further try of a compensation.
        public var compensationBackoff: Backoff

        public init(
            catalog: FulfillmentCatalog = .sandbox,
            pollInterval: Duration = .milliseconds(200),
            firstPollDelay: Duration = .milliseconds(20),
            compensationAttempts: Int = 8,
            compensationBackoff: Backoff = .exponential(base: .seconds(1), cap: .seconds(120))
        ) {
            self.catalog = catalog
            self.pollInterval = pollInterval
            self.firstPollDelay = min(firstPollDelay, pollInterval)
            self.compensationAttempts = max(1, compensationAttempts)
            self.compensationBackoff = compensationBackoff
        }
    }

    let services: JobServices
    let settings: Settings

    /// The handler to register for ``FulfillmentJob/name`` on the `fulfillment` queue, with the default settings.
    public static func handler(services: JobServices) -> JobWorker.Handler {
        handler(services: services, settings: Settings())
    }

    /// The handler with explicit settings (tests shorten the waits).
    public static func handler(services: JobServices, settings: Settings) -> JobWorker.Handler {
        let saga = FulfillmentSaga(services: services, settings: settings)
        return { context in try await saga.run(context) }
    }

    /// States in which the saga moves an order forward.
    static let forwardStates: Set<OrderStatus> = [.approved, .provisioning, .activated]

    /// One run: decides from the persisted state whether there is nothing to do (a replayed job), work to resume,
    /// or compensations to finish.
    func run(_ context: JobContext) async throws {
        let payload: FulfillmentJob.Payload
        do {
            payload = try context.payload()
        } catch {
            throw PermanentJobError("fulfillment payload is not decodable")
        }
        guard let order = try await services.store.orders.order(id: payload.orderID) else {
            throw PermanentJobError("no order \(payload.orderID) to fulfil")
        }
        // A job of an earlier saga generation (a staff retry started a new one since) has nothing left to do.
        guard (payload.generation ?? 1) == order.sagaGeneration else { return }
        if order.saga == .completed || order.saga == .compensated { return }
        let compensating =
            order.saga == .compensating || order.saga == .compensationFailed || (order.status == .cancelled && order.saga == .running)
        guard compensating || Self.forwardStates.contains(order.status) else { return }

        let records = try await services.store.orders.sagaSteps(orderID: order.id, generation: order.sagaGeneration)
        let links = try await services.store.users.user(id: order.userID)?.links
        let billing = links?.billingProvider.flatMap(UpstreamID.init(rawValue:))
        let catalog = settings.catalog.sagaCatalog(billing: billing)
        let plan = Result { () throws(SagaPlanError) in try SagaPlan(order: order, catalog: catalog) }
        var saga = SagaRun(saga: self, context: context, order: order, records: records, links: links, plan: plan)
        if compensating {
            try await saga.compensate()
        } else {
            try await saga.fulfil()
        }
    }
}
