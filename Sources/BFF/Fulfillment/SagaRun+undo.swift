import Domain
import Providers
import Queue

/// The undo of each step, each with its own key (``compensationKey(_:)``) and safe to repeat.
extension SagaRun {
    /// Runs one compensation's upstream work; returns a note for the timeline.
    mutating func perform(_ action: SagaCompensation.Action, step: String) async throws -> String? {
        switch action {
        case .refundPayment: return try await refundPayment(step)
        case .cancelBillingOrder: return try await cancelBillingOrder(step)
        case .deactivateLine(let unit): return try await undoLine(step, unit: unit, deactivate: true)
        case .releaseLine(let unit): return try await undoLine(step, unit: unit, deactivate: false)
        case .cancelPurchaseOrder: return try await cancelPurchaseOrder(step)
        case .markCRMOrderFailed: return try await markCRMOrderFailed(step)
        case .covered: return nil
        }
    }

    // https://docs.stripe.com/api/refunds/create · https://developers.whmcs.com/api-reference/addtransaction/
    /// Refunds what the first invoice was paid (Stripe's activation pays it; WHMCS's acceptance does not, so there
    /// is usually nothing to refund there).
    private mutating func refundPayment(_ step: String) async throws -> String {
        let (provider, customerID) = try billing()
        let invoiceID =
            records[SagaStep(.billingActivate).name]?.result[ResultKey.invoiceID]
            ?? records[SagaStep(.billingCreate).name]?.result[ResultKey.invoiceID]
        guard let invoiceID else { return "no invoice was issued: nothing to refund" }
        let invoice = try await provider.invoice(id: invoiceID)
        guard invoice.amountPaid.minorUnits > 0 else { return "invoice \(invoiceID) was not paid: nothing to refund" }
        let request: RefundRequest
        do {
            request = try RefundRequest(
                customerID: customerID, invoiceID: invoiceID, amount: invoice.amountPaid, reason: "order \(order.id) could not be fulfilled",
                idempotencyKey: compensationKey(step)
            )
        } catch {
            throw SagaStepFailure.permanent(step, "\(step) compensation failed: \(error)")
        }
        let refund = try await provider.refund(request)
        var record = self.record(step)
        record.result[ResultKey.refundID] = refund.id
        try await save(record)
        return "refunded \(invoice.amountPaid.decimalString) \(invoice.amountPaid.currency) of invoice \(invoiceID) (\(refund.id))"
    }

    // https://docs.stripe.com/api/subscriptions/cancel · https://developers.whmcs.com/api-reference/cancelorder/
    /// Cancels the billing order; when its creation's outcome was unknown, replays the creation with its key first
    /// to find the order (a refusal then means none was made).
    private mutating func cancelBillingOrder(_ step: String) async throws -> String {
        let (provider, _) = try billing()
        var orderID = records[step]?.result[ResultKey.billingOrderID]
        if orderID == nil {
            guard case .success(let planned) = plan else {
                throw SagaStepFailure.permanent(step, "\(step) compensation failed: the billing order cannot be looked up")
            }
            do {
                orderID = try await provider.createOrder(billingRequest(plan: planned)).id
            } catch let error as ProviderError where !error.isRetryable {
                return "no billing order was created"
            }
        }
        guard let orderID else { return "no billing order was created" }
        let cancelled = try await provider.cancelOrder(id: orderID, idempotencyKey: compensationKey(step))
        guard cancelled.status == .cancelled else {
            throw SagaStepFailure.permanent(step, "\(step) compensation failed: the billing order is \(cancelled.status.rawValue) after cancelling")
        }
        return "\(provider.upstream.rawValue) order \(orderID) cancelled"
    }

    // fixtures/upstream/sim/README.md §4 (sim/deactivate, sim/release)
    /// Deactivates (after activation) or releases (after allocation) the unit's line: an asynchronous operation,
    /// waited on by snoozing. An operation the platform ends `failed` is tried again under a new key round.
    private mutating func undoLine(_ step: String, unit: Int, deactivate: Bool) async throws -> String {
        let sim = try simPlatform()
        guard let lineID = records[SagaStep(.simAllocate, unit: unit).name]?.result[ResultKey.lineID] else {
            return "no line was allocated"
        }
        var record = self.record(step)
        let operation: SIMOperation
        if let id = record.result[ResultKey.compensationOperationID] {
            operation = try await sim.operation(id: id)
        } else {
            let key = compensationKey(step)
            operation =
                deactivate
                ? try await sim.deactivate(lineID: lineID, idempotencyKey: key) : try await sim.release(lineID: lineID, idempotencyKey: key)
            record.result[ResultKey.compensationOperationID] = operation.id
            try await save(record)
        }
        switch operation.status {
        case .pending, .running:
            throw JobSnooze(pollDelay(since: record.updatedAt), reason: "\(step) compensation: SIM operation \(operation.id) is \(operation.status.rawValue)")
        case .failed:
            let round = Int(record.result[ResultKey.compensationRound] ?? "") ?? 1
            record.result[ResultKey.compensationRound] = String(round + 1)
            record.result[ResultKey.compensationOperationID] = nil
            try await save(record)
            throw SagaStepFailure(step: step, reason: "\(step) compensation failed: \(Self.refusal(operation))", isPermanent: false)
        case .succeeded:
            return "SIM operation \(operation.id): line \(deactivate ? "deactivated" : "released")"
        }
    }

    // fixtures/upstream/supplier-api/README.md (POST /v1/purchase-orders/{id}/cancel)
    /// Cancels the purchase order; when its placement's outcome was unknown, replays the placement with its
    /// reference first (a refusal then means none was placed). A shipped order cannot be cancelled: staff decide.
    private mutating func cancelPurchaseOrder(_ step: String) async throws -> String {
        let planned = try? plan.get()
        let supplier = try self.supplier(records[step]?.result[ResultKey.supplierID] ?? planned?.supplierID)
        var purchaseOrderID = records[step]?.result[ResultKey.purchaseOrderID]
        if purchaseOrderID == nil {
            guard let planned else {
                throw SagaStepFailure.permanent(step, "\(step) compensation failed: the purchase order cannot be looked up")
            }
            do {
                purchaseOrderID = try await supplier.placeOrder(purchaseOrderRequest(plan: planned)).id
            } catch let error as ProviderError where !error.isRetryable {
                return "no purchase order was placed"
            }
        }
        guard let purchaseOrderID else { return "no purchase order was placed" }
        let cancelled = try await supplier.cancelPurchaseOrder(id: purchaseOrderID, reference: record(step).idempotencyKey)
        guard cancelled.status == .cancelled else {
            throw SagaStepFailure.permanent(step, "\(step) compensation failed: purchase order \(purchaseOrderID) is \(cancelled.status.rawValue)")
        }
        return "purchase order \(purchaseOrderID) cancelled"
    }

    /// Sets the CRM order's status to failed (cancelled, for an order cancelled during fulfillment).
    private mutating func markCRMOrderFailed(_ step: String) async throws -> String {
        let crm = try self.crm()
        guard let crmOrderID = order.crmOrderID else { return "no CRM order" }
        let updated = try await crm.updateOrderStatus(id: crmOrderID, to: order.status == .cancelled ? .cancelled : .failed)
        return "CRM order \(updated.upstreamStatus)"
    }
}
