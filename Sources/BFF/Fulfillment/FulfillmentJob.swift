public import Foundation
public import Queue

/// The job that runs an order's fulfillment saga: `order.fulfill` on the `fulfillment` queue, one per order
/// (job id = order id, so a second approval adds nothing).
public enum FulfillmentJob {
    public static let name = "order.fulfill"
    public static let queue = "fulfillment"

    public struct Payload: Codable, Sendable, Hashable {
        public let orderID: UUID
        /// W3C `traceparent` of the request that approved the order, when there was one.
        public let traceparent: String?

        public init(orderID: UUID, traceparent: String? = nil) {
            self.orderID = orderID
            self.traceparent = traceparent
        }

        enum CodingKeys: String, CodingKey {
            case orderID = "order_id"
            case traceparent
        }
    }

    /// The job id of an order's saga.
    public static func jobID(orderID: UUID) -> String { "order-\(orderID.uuidString.lowercased())" }

    /// Retries of a whole saga run (each step has its own bounded retries inside): the critical policy.
    public static let retry = RetryPolicy.critical

    /// Enqueues the saga of `orderID`; returns whether a job was added (false: one exists already).
    @discardableResult
    public static func enqueue(orderID: UUID, on queue: any JobQueueDriver, now: Date, traceparent: String? = nil) async throws -> Bool {
        let options = JobOptions(jobID: jobID(orderID: orderID), retry: retry, timeout: .seconds(120))
        let bytes = Array(try JSONEncoder().encode(Payload(orderID: orderID, traceparent: traceparent)))
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await queue.enqueue(name: name, payload: bytes, options: options, now: nowMillis).created
    }
}
