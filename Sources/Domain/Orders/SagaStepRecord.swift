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

/// One step of an order's fulfillment saga: its idempotency key (derived from order id, saga generation and step
/// name, sent upstream), attempts, what it produced (upstream ids, operation ids) and its last error.
///
/// Keyed by order, generation and step: a staff retry that starts the saga anew (generation + 1) writes new
/// records and keeps the earlier generation's as history.
public struct SagaStepRecord: Sendable, Hashable, Codable {
    public let orderID: UUID
    /// `billing.create`, `sim.allocate#0`, … unique per order and generation.
    public let step: String
    /// The saga generation (``Order/sagaGeneration``) the step belongs to.
    public let generation: Int
    public var status: SagaStepStatus
    public var attempt: Int
    public let idempotencyKey: String
    /// Values the step produced and later steps or compensations need (`line_id`, `operation_id`, `order_id`).
    public var result: [String: String]
    public var error: String?
    public var updatedAt: Date

    public init(
        orderID: UUID, step: String, generation: Int = 1, status: SagaStepStatus = .pending, attempt: Int = 0, idempotencyKey: String,
        result: [String: String] = [:], error: String? = nil, updatedAt: Date
    ) {
        self.orderID = orderID
        self.step = step
        self.generation = generation
        self.status = status
        self.attempt = attempt
        self.idempotencyKey = idempotencyKey
        self.result = result
        self.error = error
        self.updatedAt = updatedAt
    }

    /// The key of `step` of `orderID` in saga generation `generation`: the same on every run and every worker, so
    /// upstreams de-duplicate replays.
    ///
    /// Generation 1 is `atrium-order-<uuid>-<step>` (the key orders had before generations existed, so sagas in
    /// flight keep theirs); generation N ≥ 2 is `atrium-order-<uuid>-g<N>-<step>`, so a retried saga is not answered
    /// with the replayed results of an earlier, failed, run.
    public static func idempotencyKey(orderID: UUID, step: String, generation: Int = 1) -> String {
        let order = orderID.uuidString.lowercased()
        return generation > 1 ? "atrium-order-\(order)-g\(generation)-\(step)" : "atrium-order-\(order)-\(step)"
    }
}
