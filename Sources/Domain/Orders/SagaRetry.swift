/// What a staff retry of an order's saga does (`POST /admin/orders/{id}/retry`).
public enum SagaRetry: String, Sendable, Hashable, CaseIterable {
    /// The saga is `compensation_failed` (order `failed` or `cancelled`): its job runs again and the saga resumes
    /// the compensations that failed (same generation, a new round of compensation keys).
    case resumeCompensation = "resumed_compensation"
    /// The order is `failed` and its saga has nothing left to undo (`compensated`, or `idle`: it never ran): the
    /// order goes back to `approved` and a new saga generation runs every step again under new keys.
    case newGeneration = "new_generation"
}

/// A staff retry refused because of where the order and its saga stand.
public struct SagaRetryRefused: Error, Sendable, Hashable, CustomStringConvertible {
    public let status: OrderStatus
    public let saga: SagaState
    /// Whether only the missing CRM order stands in the way (a new generation needs one).
    public let lacksCRMOrder: Bool

    public init(status: OrderStatus, saga: SagaState, lacksCRMOrder: Bool = false) {
        self.status = status
        self.saga = saga
        self.lacksCRMOrder = lacksCRMOrder
    }

    public var description: String {
        lacksCRMOrder
            ? "order is \(status.rawValue) without a CRM order: its saga cannot be retried"
            : "order is \(status.rawValue) with saga \(saga.rawValue): nothing to retry"
    }
}

extension Order {
    /// What a staff retry would do now.
    ///
    /// - Throws: ``SagaRetryRefused`` for any other state: a saga that is running or compensating, an order that is
    ///   not failed (or cancelled with a failed compensation), a failed order without a CRM order.
    public func sagaRetry() throws(SagaRetryRefused) -> SagaRetry {
        if saga == .compensationFailed && (status == .failed || status == .cancelled) { return .resumeCompensation }
        guard status == .failed && (saga == .compensated || saga == .idle) else { throw SagaRetryRefused(status: status, saga: saga) }
        guard crmOrderID != nil else { throw SagaRetryRefused(status: status, saga: saga, lacksCRMOrder: true) }
        return .newGeneration
    }

    /// Starts the next saga generation of a failed order (``SagaRetry/newGeneration``): `failed → approved`, saga
    /// `idle`, ``sagaGeneration`` + 1; the failure reason and the billing order id (the earlier generation's, now
    /// compensated) are cleared, the earlier generation's step records and timeline keep them.
    ///
    /// - Throws: ``SagaRetryRefused`` when the order is not in a state to start a new generation.
    public mutating func startNextSagaGeneration() throws(SagaRetryRefused) {
        guard try sagaRetry() == .newGeneration else { throw SagaRetryRefused(status: status, saga: saga) }
        do {
            try transition(to: .approved)
        } catch {
            throw SagaRetryRefused(status: status, saga: saga)
        }
        saga = .idle
        sagaGeneration += 1
        failureReason = nil
        billingOrderID = nil
    }
}
