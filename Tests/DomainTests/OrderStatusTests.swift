import Domain
import Foundation
import Testing

/// The order state machine, pure: every one of the 81 (from, to) pairs, and `Order.transition`.
@Suite("Order status state machine")
struct OrderStatusTests {
    /// The allowed moves, written out from the design (not derived from `successors`):
    /// draft → pending_approval → approved → provisioning → activated → fulfilled → refunded; cancelled and failed
    /// from every state before activation (failed also from activated); failed → approved (staff retry) or refunded.
    static let allowed: Set<Pair> = [
        Pair(.draft, .pendingApproval), Pair(.draft, .cancelled), Pair(.draft, .failed),
        Pair(.pendingApproval, .approved), Pair(.pendingApproval, .cancelled), Pair(.pendingApproval, .failed),
        Pair(.approved, .provisioning), Pair(.approved, .cancelled), Pair(.approved, .failed),
        Pair(.provisioning, .activated), Pair(.provisioning, .fulfilled), Pair(.provisioning, .cancelled), Pair(.provisioning, .failed),
        Pair(.activated, .fulfilled), Pair(.activated, .failed),
        Pair(.fulfilled, .refunded),
        Pair(.failed, .approved), Pair(.failed, .refunded),
    ]

    struct Pair: Hashable, CustomStringConvertible {
        let from: OrderStatus
        let to: OrderStatus
        init(_ from: OrderStatus, _ to: OrderStatus) {
            self.from = from
            self.to = to
        }
        var description: String { "\(from.rawValue) → \(to.rawValue)" }
    }

    @Test func theNineStatesAndTheirWireNames() {
        #expect(
            OrderStatus.allCases.map(\.rawValue) == [
                "draft", "pending_approval", "approved", "provisioning", "activated", "fulfilled", "cancelled", "failed", "refunded",
            ])
        #expect(Self.allowed.count == 18)
    }

    @Test(arguments: OrderStatus.allCases, OrderStatus.allCases)
    func everyPair(_ from: OrderStatus, _ to: OrderStatus) {
        let pair = Pair(from, to)
        if Self.allowed.contains(pair) {
            #expect((try? from.transition(to: to)) == to, "\(pair) refused")
            #expect(from.successors.contains(to))
        } else {
            let error = #expect(throws: OrderTransitionError.self, "\(pair) allowed") { try from.transition(to: to) }
            #expect(error == OrderTransitionError(from: from, to: to))
            #expect(error?.isNoOp == (from == to), "\(pair) isNoOp")
            #expect(error?.description == "order cannot move from \(from.rawValue) to \(to.rawValue)")
            #expect(!from.successors.contains(to))
        }
    }

    @Test(arguments: OrderStatus.allCases)
    func successorsAreExactlyTheAllowedMoves(_ from: OrderStatus) {
        #expect(from.successors == Set(Self.allowed.filter { $0.from == from }.map(\.to)))
        // Only cancelled and refunded orders are terminal: a failed order can be retried or refunded.
        #expect(from.isTerminal == [.cancelled, .refunded].contains(from))
        #expect(from.isTerminal == from.successors.isEmpty)
    }

    @Test func aRepeatedTransitionIsANoOpError() {
        for status in OrderStatus.allCases {
            let error = #expect(throws: OrderTransitionError.self) { try status.transition(to: status) }
            #expect(error?.isNoOp == true, "\(status)")
        }
        #expect(OrderTransitionError(from: .approved, to: .draft).isNoOp == false)
    }

    @Test func orderTransitionChangesOnlyTheStatusAndRefusesIllegalMoves() throws {
        let eur = try Currency("EUR")
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        var order = Order(
            id: UUID(), tenant: "acme", userID: UUID(), version: 3,
            items: [
                OrderItem(
                    sku: try SKU("SIM-1"), name: "SIM", kind: .sim, quantity: try Quantity(1),
                    unitPrice: Money(minorUnits: 500, currency: eur))
            ],
            subtotal: Money(minorUnits: 500, currency: eur), tax: Money(minorUnits: 95, currency: eur),
            total: Money(minorUnits: 595, currency: eur),
            crmOrderID: "801A", createdAt: created, updatedAt: created
        )
        let before = order
        #expect(order.status == .draft && order.saga == .idle && order.version == 3)
        for next in [OrderStatus.pendingApproval, .approved, .provisioning, .activated, .fulfilled, .refunded] {
            try order.transition(to: next)
            #expect(order.status == next)
        }
        // Nothing but the status moved (the store bumps the version, not the value).
        let expected = Order(
            id: before.id, tenant: before.tenant, userID: before.userID, status: .refunded, version: 3, items: before.items,
            subtotal: before.subtotal, tax: before.tax, total: before.total, crmOrderID: "801A", createdAt: created, updatedAt: created
        )
        #expect(order == expected)

        let error = #expect(throws: OrderTransitionError.self) { try order.transition(to: .approved) }
        #expect(error == OrderTransitionError(from: .refunded, to: .approved))
        #expect(order == expected, "a refused transition changed the order")

        var failing = before
        try failing.transition(to: .failed)
        try failing.transition(to: .approved)  // staff retry
        #expect(failing.status == .approved)
        let again = #expect(throws: OrderTransitionError.self) { try failing.transition(to: .approved) }
        #expect(again?.isNoOp == true)
        #expect(failing.hasSIMItems && !failing.hasPhysicalItems)
    }

    // MARK: Staff retry of the saga

    static func order(_ status: OrderStatus, saga: SagaState, crm: String? = "801A") throws -> Order {
        let eur = try Currency("EUR")
        let created = Date(timeIntervalSince1970: 1_900_000_000)
        let item = OrderItem(sku: try SKU("SIM-5GB"), name: "SIM", kind: .sim, quantity: try Quantity(1), unitPrice: Money(minorUnits: 500, currency: eur))
        return Order(
            id: UUID(), tenant: "t", userID: UUID(), status: status, items: [item], subtotal: Money(minorUnits: 500, currency: eur),
            tax: Money(minorUnits: 0, currency: eur), total: Money(minorUnits: 500, currency: eur), crmOrderID: crm, billingOrderID: "sub_1",
            failureReason: "sim.activate#0 failed", saga: saga, createdAt: created, updatedAt: created
        )
    }

    @Test func aStaffRetryResumesAFailedCompensationOrStartsANewGeneration() throws {
        var retryable: [String] = []
        for status in OrderStatus.allCases {
            for saga in SagaState.allCases {
                guard let kind = try? Self.order(status, saga: saga).sagaRetry() else { continue }
                retryable.append("\(status.rawValue)/\(saga.rawValue)/\(kind.rawValue)")
            }
        }
        #expect(
            retryable.sorted() == [
                "cancelled/compensation_failed/resumed_compensation", "failed/compensated/new_generation", "failed/compensation_failed/resumed_compensation",
                "failed/idle/new_generation",
            ]
        )
        let noCRM = #expect(throws: SagaRetryRefused.self) { try Self.order(.failed, saga: .compensated, crm: nil).sagaRetry() }
        #expect(noCRM?.lacksCRMOrder == true)

        var order = try Self.order(.failed, saga: .compensated)
        try order.startNextSagaGeneration()
        #expect(order.status == .approved && order.saga == .idle && order.sagaGeneration == 2)
        #expect(order.failureReason == nil && order.billingOrderID == nil && order.crmOrderID == "801A")
        #expect(throws: SagaRetryRefused.self) { try order.startNextSagaGeneration() }
        var parked = try Self.order(.failed, saga: .compensationFailed)
        #expect(throws: SagaRetryRefused.self) { try parked.startNextSagaGeneration() }
        #expect(parked.sagaGeneration == 1 && parked.status == .failed)
    }

    @Test func eachSagaGenerationHasItsOwnStepKeysAndGenerationOneKeepsTheOriginalKey() throws {
        let id = try #require(UUID(uuidString: "8D3F1C2A-0000-4000-8000-00000000ABCD"))
        #expect(SagaStepRecord.idempotencyKey(orderID: id, step: "billing.create") == "atrium-order-8d3f1c2a-0000-4000-8000-00000000abcd-billing.create")
        #expect(SagaStepRecord.idempotencyKey(orderID: id, step: "billing.create", generation: 1) == SagaStepRecord.idempotencyKey(orderID: id, step: "billing.create"))
        #expect(SagaStepRecord.idempotencyKey(orderID: id, step: "sim.allocate#0", generation: 2) == "atrium-order-8d3f1c2a-0000-4000-8000-00000000abcd-g2-sim.allocate#0")
        // An order encoded before generations existed decodes as generation 1.
        var json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(try Self.order(.failed, saga: .idle))) as? [String: Any])
        #expect(json["sagaGeneration"] as? Int == 1)
        json["sagaGeneration"] = nil
        let decoded = try JSONDecoder().decode(Order.self, from: try JSONSerialization.data(withJSONObject: json))
        #expect(decoded.sagaGeneration == 1)
    }
}
