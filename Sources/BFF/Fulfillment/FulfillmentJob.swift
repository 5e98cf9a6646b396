public import Foundation
public import Queue

/// The job that runs an order's fulfillment saga: `order.fulfill` on the `fulfillment` queue, one per order and
/// saga generation (job id = order id (+ generation), so a second approval adds nothing).
public enum FulfillmentJob {
    public static let name = "order.fulfill"
    public static let queue = "fulfillment"

    public struct Payload: Codable, Sendable, Hashable {
        public let orderID: UUID
        /// W3C `traceparent` of the request that approved the order, when there was one.
        public let traceparent: String?
        /// The saga generation (``Domain/Order/sagaGeneration``) the job runs; absent (jobs enqueued before
        /// generations existed) means 1. A job of an earlier generation than the order's does nothing.
        public let generation: Int?

        public init(orderID: UUID, traceparent: String? = nil, generation: Int? = nil) {
            self.orderID = orderID
            self.traceparent = traceparent
            self.generation = generation
        }

        enum CodingKeys: String, CodingKey {
            case orderID = "order_id"
            case traceparent
            case generation
        }
    }

    /// The job id of an order's saga: `order-<uuid>` for generation 1 (as before generations existed),
    /// `order-<uuid>-g<N>` for a later one (the earlier generation's job may still be retained under its id).
    public static func jobID(orderID: UUID, generation: Int = 1) -> String {
        let base = "order-\(orderID.uuidString.lowercased())"
        return generation > 1 ? "\(base)-g\(generation)" : base
    }

    /// Retries of a whole saga run (each step has its own bounded retries inside): the critical policy.
    public static let retry = RetryPolicy.critical

    /// Enqueues the saga of `orderID` (of saga generation `generation`); returns whether a job was added (false: one
    /// exists already). `traceparent` defaults to the caller's span (``JobTracing``), so the saga joins its trace.
    @discardableResult
    public static func enqueue(
        orderID: UUID, on queue: any JobQueueDriver, now: Date, traceparent: String? = JobTracing.currentTraceparent(), generation: Int = 1
    ) async throws -> Bool {
        let options = JobOptions(jobID: jobID(orderID: orderID, generation: generation), retry: retry, timeout: .seconds(120))
        let payload = Payload(orderID: orderID, traceparent: traceparent, generation: generation > 1 ? generation : nil)
        let bytes = Array(try JSONEncoder().encode(payload))
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await queue.enqueue(name: name, payload: bytes, options: options, now: nowMillis).created
    }
}
