import Domain
public import Foundation
import Logging
public import Queue

/// Tells the customer how their order ended: `order.notify` on the `notifications` queue, one job per order and
/// outcome (job id `order-notify-<order uuid>-<event>`, so the saga enqueueing it again adds nothing).
///
/// There is no mail system yet: the handler records a `notification` entry on the order's timeline (which the
/// customer sees, live) and logs the notification. A re-run finds its entry and records nothing more.
public enum OrderNotificationJob {
    public static let name = "order.notify"
    public static let queue = "notifications"
    /// A lost notification is not worth the critical policy's patience.
    public static let retry = RetryPolicy.standard
    /// The timeline step of the entry the handler records.
    public static let timelineStep = "notification"

    /// What the customer is told.
    public enum Event: String, Codable, Sendable, Hashable, CaseIterable {
        case fulfilled
        case failed

        /// The timeline entry's reason (no personal data).
        var message: String {
            switch self {
            case .fulfilled: "customer notified: the order is fulfilled"
            case .failed: "customer notified: the order could not be fulfilled"
            }
        }
    }

    public struct Payload: Codable, Sendable, Hashable {
        public let orderID: UUID
        public let event: Event
        /// The saga run's span (``JobTracing``), so the notification joins the order's trace.
        public let traceparent: String?

        public init(orderID: UUID, event: Event, traceparent: String? = nil) {
            self.orderID = orderID
            self.event = event
            self.traceparent = traceparent
        }

        enum CodingKeys: String, CodingKey {
            case orderID = "order_id"
            case event
            case traceparent
        }
    }

    /// One notification per order, event and saga generation (a retried saga that fails again notifies again).
    public static func jobID(orderID: UUID, event: Event, generation: Int = 1) -> String {
        let base = "order-notify-\(orderID.uuidString.lowercased())-\(event.rawValue)"
        return generation > 1 ? "\(base)-g\(generation)" : base
    }

    /// Enqueues the notification; returns whether a job was added (false: it exists already).
    @discardableResult
    public static func enqueue(orderID: UUID, event: Event, generation: Int = 1, on queue: any JobQueueDriver, now: Date) async throws -> Bool {
        let options = JobOptions(jobID: jobID(orderID: orderID, event: event, generation: generation), retry: retry, timeout: .seconds(30))
        let bytes = Array(try JSONEncoder().encode(Payload(orderID: orderID, event: event, traceparent: JobTracing.currentTraceparent())))
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await queue.enqueue(name: name, payload: bytes, options: options, now: nowMillis).created
    }

    /// The handler to register for ``name`` on the `notifications` queue.
    public static func handler(services: JobServices) -> JobWorker.Handler {
        { context in
            let payload: Payload
            do {
                payload = try context.payload()
            } catch {
                throw PermanentJobError("order notification payload is not decodable")
            }
            guard let order = try await services.store.orders.order(id: payload.orderID) else {
                throw PermanentJobError("no order \(payload.orderID) to notify about")
            }
            let message = payload.event.message
            let timeline = try await services.store.orders.timeline(orderID: order.id, afterSeq: 0)
            if timeline.contains(where: { $0.step == timelineStep && $0.reason == message }) { return }
            try await services.ledger.record(orderID: order.id, step: timelineStep, outcome: .succeeded, reason: message)
            services.logger.info(
                "order notification",
                metadata: ["order": "\(order.id)", "user": "\(order.userID)", "event": "\(payload.event.rawValue)", "status": "\(order.status.rawValue)"]
            )
        }
    }
}
