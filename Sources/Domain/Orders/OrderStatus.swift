/// The nine states of an Atrium order.
///
/// ```
/// draft → pending_approval → approved → provisioning → activated → fulfilled → refunded
///   └──────────┴───────────────┴─────────────┴──→ cancelled / failed → (approved: staff retry) / refunded
/// ```
/// Physical-goods orders go `provisioning → fulfilled` without `activated`.
public enum OrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case pendingApproval = "pending_approval"
    case approved
    case provisioning
    case activated
    case fulfilled
    case cancelled
    case failed
    case refunded

    /// No transition leaves these (a failed order can still be retried or refunded, so it is not terminal).
    public var isTerminal: Bool { self == .cancelled || self == .refunded }

    /// Where the order can go from here.
    public var successors: Set<OrderStatus> {
        switch self {
        case .draft: [.pendingApproval, .cancelled, .failed]
        case .pendingApproval: [.approved, .cancelled, .failed]
        case .approved: [.provisioning, .cancelled, .failed]
        case .provisioning: [.activated, .fulfilled, .cancelled, .failed]
        case .activated: [.fulfilled, .failed]
        case .fulfilled: [.refunded]
        // A staff retry starts the saga again; a charged order that failed is refunded.
        case .failed: [.approved, .refunded]
        case .cancelled, .refunded: []
        }
    }
}

/// A transition the order state machine refuses. Typed, so callers can tell "already there" (a replayed event)
/// from "illegal" (a bug or an event for another state).
public struct OrderTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    public let from: OrderStatus
    public let to: OrderStatus

    public init(from: OrderStatus, to: OrderStatus) {
        self.from = from
        self.to = to
    }

    /// The order is already in the requested state: a duplicate request or event, usually a no-op for the caller.
    public var isNoOp: Bool { from == to }

    public var description: String { "order cannot move from \(from.rawValue) to \(to.rawValue)" }
}

extension OrderStatus {
    /// Validates the move to `next`.
    ///
    /// - Throws: ``OrderTransitionError`` when `next` is not a successor (including `next == self`).
    public func transition(to next: OrderStatus) throws(OrderTransitionError) -> OrderStatus {
        guard successors.contains(next) else { throw OrderTransitionError(from: self, to: next) }
        return next
    }
}
