import Domain
import Foundation
import Providers
import Queue

/// The saga's synchronous steps (billing, supplier, CRM, notification) and the upstreams they need.
extension SagaRun {
    // MARK: Upstreams

    /// The customer's billing system and their customer id in it.
    func billing() throws -> (provider: any BillingProvider, customerID: String) {
        guard let name = links?.billingProvider, let customerID = links?.billingCustomerID, let upstream = UpstreamID(rawValue: name) else {
            throw SagaStepFailure.permanent("saga", "the customer has no billing account")
        }
        guard let provider = services.providers.billing[upstream] else {
            throw SagaStepFailure.permanent("saga", "the billing system \(name) is not configured")
        }
        return (provider, customerID)
    }

    func simPlatform() throws -> any SIMProvider {
        guard let sim = services.providers.sim else { throw SagaStepFailure.permanent("saga", "the SIM platform is not configured") }
        return sim
    }

    /// The supplier named `supplierID`, or the first one that takes purchase orders when nil.
    func supplier(_ supplierID: String?) throws -> any SupplierOrdering {
        let ordering = services.providers.suppliers.compactMap { $0 as? any SupplierOrdering }
        let found = supplierID.map { id in ordering.first { $0.supplierID == id } } ?? ordering.first
        guard let found else {
            throw SagaStepFailure.permanent("saga", "no supplier that takes purchase orders is configured\(supplierID.map { " (\($0))" } ?? "")")
        }
        return found
    }

    func crm() throws -> any CRMProvider {
        guard let crm = services.providers.crm else { throw SagaStepFailure.permanent("saga", "the CRM is not configured") }
        return crm
    }

    // MARK: Billing

    /// The billing order request of the plan, keyed with `billing.create`'s key (also what a compensation replays
    /// to find an order whose creation had an unknown outcome).
    func billingRequest(plan: SagaPlan) throws -> BillingOrderRequest {
        let step = SagaStep(.billingCreate).name
        let (_, customerID) = try billing()
        do {
            return try BillingOrderRequest(
                customerID: customerID, lines: plan.billingLines.map { BillingOrderRequest.Line(productID: $0.productID, quantity: $0.quantity) },
                idempotencyKey: record(step).idempotencyKey
            )
        } catch {
            throw SagaStepFailure.permanent(step, "\(step) failed: \(error)")
        }
    }

    // https://docs.stripe.com/api/subscriptions/create (Stripe) · https://developers.whmcs.com/api-reference/addorder/
    mutating func createBillingOrder(_ step: SagaStep, plan: SagaPlan) async throws {
        let (provider, _) = try billing()
        let request = try billingRequest(plan: plan)
        let record = try await begin(step)
        let created = try await upstream(step.name) { try await provider.createOrder(request) }
        var result = [ResultKey.billingOrderID: created.id, ResultKey.billingStatus: created.status.rawValue]
        if let invoice = created.invoiceID { result[ResultKey.invoiceID] = invoice }
        try await succeed(record, result: result, note: "\(provider.upstream.rawValue) order \(created.id)")
    }

    // https://docs.stripe.com/api/invoices/pay (Stripe) · https://developers.whmcs.com/api-reference/acceptorder/
    mutating func activateBillingOrder(_ step: SagaStep) async throws {
        let (provider, _) = try billing()
        guard let orderID = records[SagaStep(.billingCreate).name]?.result[ResultKey.billingOrderID] else {
            throw SagaStepFailure.permanent(step.name, "\(step.name) failed: no billing order was created")
        }
        let record = try await begin(step)
        let activated = try await upstream(step.name) { try await provider.activateOrder(id: orderID, idempotencyKey: record.idempotencyKey) }
        var result = [ResultKey.billingOrderID: activated.id, ResultKey.billingStatus: activated.status.rawValue]
        if let invoice = activated.invoiceID { result[ResultKey.invoiceID] = invoice }
        try await succeed(record, result: result)
    }

    // MARK: Supplier

    /// The purchase order of the plan; its reference is `supplier.order`'s key (also what a compensation replays
    /// to find an order whose placement had an unknown outcome).
    func purchaseOrderRequest(plan: SagaPlan) throws -> PurchaseOrderRequest {
        let step = SagaStep(.supplierOrder).name
        do {
            return try PurchaseOrderRequest(
                lines: plan.purchaseLines.map { PurchaseOrderRequest.Line(itemID: $0.itemID, quantity: $0.quantity) },
                reference: record(step).idempotencyKey
            )
        } catch {
            throw SagaStepFailure.permanent(step, "\(step) failed: \(error)")
        }
    }

    // fixtures/upstream/supplier-api/README.md (POST /v1/purchase-orders)
    /// Places one purchase order with every physical line; the step's key is the order's `reference`, so a replay
    /// returns the order placed first.
    mutating func placePurchaseOrder(_ step: SagaStep, plan: SagaPlan) async throws {
        let supplier = try self.supplier(plan.supplierID)
        let request = try purchaseOrderRequest(plan: plan)
        let record = try await begin(step)
        let placed = try await upstream(step.name) { try await supplier.placeOrder(request) }
        guard placed.status != .rejected && placed.status != .cancelled else {
            throw SagaStepFailure.permanent(step.name, "\(step.name) failed: the supplier \(placed.status.rawValue) purchase order \(placed.id)")
        }
        try await succeed(
            record, result: [ResultKey.purchaseOrderID: placed.id, ResultKey.supplierID: supplier.supplierID],
            note: "purchase order \(placed.id) with \(supplier.supplierID)"
        )
    }

    // MARK: CRM and notification

    /// Sets the CRM order's status to completed (setting a status twice is harmless, so no key is needed).
    mutating func completeCRMOrder(_ step: SagaStep) async throws {
        let crm = try self.crm()
        guard let crmOrderID = order.crmOrderID else { throw SagaStepFailure.permanent(step.name, "\(step.name) failed: no CRM order") }
        let record = try await begin(step)
        let updated = try await upstream(step.name) { try await crm.updateOrderStatus(id: crmOrderID, to: .completed) }
        try await succeed(record, result: [ResultKey.crmStatus: updated.upstreamStatus])
    }

    /// Enqueues the customer's notification (``OrderNotificationJob``; its job id makes a replay add nothing).
    mutating func notifyCustomer(_ step: SagaStep) async throws {
        guard let queue = services.jobs[OrderNotificationJob.queue] else {
            var record = self.record(step.name)
            record.status = .skipped
            try await save(record)
            try await ledger.record(orderID: order.id, step: step.name, outcome: .skipped, reason: "no notifications queue is configured")
            return
        }
        let record = try await begin(step)
        try await OrderNotificationJob.enqueue(orderID: order.id, event: .fulfilled, generation: order.sagaGeneration, on: queue, now: services.clock.now())
        try await succeed(record, result: [ResultKey.jobID: OrderNotificationJob.jobID(orderID: order.id, event: .fulfilled)])
    }
}
