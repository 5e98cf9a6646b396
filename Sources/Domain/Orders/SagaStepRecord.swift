public import Foundation

/// The state of one saga step, as persisted before the next step begins.
public enum SagaStepStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case running
    case succeeded
    case failed
    case compensating
    case compensated
    case skipped
    case compensationFailed = "compensation_failed"
}

/// One step of an order's fulfillment saga: its idempotency key (derived from order id and step name, sent
/// upstream), attempts, what it produced (upstream ids, operation ids) and its last error.
public struct SagaStepRecord: Sendable, Hashable, Codable {
    public let orderID: UUID
    /// `billing.create`, `sim.allocate#0`, … unique per order.
    public let step: String
    public var status: SagaStepStatus
    public var attempt: Int
    public let idempotencyKey: String
    /// Values the step produced and later steps or compensations need (`line_id`, `operation_id`, `order_id`).
    public var result: [String: String]
    public var error: String?
    public var updatedAt: Date

    public init(
        orderID: UUID, step: String, status: SagaStepStatus = .pending, attempt: Int = 0, idempotencyKey: String,
        result: [String: String] = [:], error: String? = nil, updatedAt: Date
    ) {
        self.orderID = orderID
        self.step = step
        self.status = status
        self.attempt = attempt
        self.idempotencyKey = idempotencyKey
        self.result = result
        self.error = error
        self.updatedAt = updatedAt
    }

    /// The key of `step` of `orderID`: the same on every run and every worker, so upstreams de-duplicate replays.
    public static func idempotencyKey(orderID: UUID, step: String) -> String {
        "atrium-order-\(orderID.uuidString.lowercased())-\(step)"
    }
}
