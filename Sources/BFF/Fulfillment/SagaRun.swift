import Domain
import Foundation
import Logging
import Providers
import Queue

/// One run of an order's saga: the order and step records as loaded at the start of the run, kept in step with
/// what the run writes. Lives for one handler call; the next run loads everything again.
struct SagaRun {
    let services: JobServices
    let settings: FulfillmentSaga.Settings
    let context: JobContext
    var order: Order
    /// The step records by step name.
    var records: [String: SagaStepRecord]
    /// Step names in the order their records were first saved (the order the steps ran in).
    var recordOrder: [String]
    /// The customer's account links; nil when the customer's account is gone.
    let links: AccountLinks?
    let plan: Result<SagaPlan, SagaPlanError>

    init(
        saga: FulfillmentSaga, context: JobContext, order: Order, records: [SagaStepRecord], links: AccountLinks?,
        plan: Result<SagaPlan, SagaPlanError>
    ) {
        self.services = saga.services
        self.settings = saga.settings
        self.context = context
        self.order = order
        self.records = Dictionary(records.map { ($0.step, $0) }, uniquingKeysWith: { _, last in last })
        self.recordOrder = records.map(\.step)
        self.links = links
        self.plan = plan
    }

    var ledger: OrderLedger { services.ledger }
    var logger: Logger { services.logger }
    /// Whether a failure now leaves the queue no further attempt.
    var isLastAttempt: Bool { context.job.failures + 1 >= context.job.maxAttempts }

    // MARK: Forward

    /// Moves the order forward step by step to `fulfilled`; turns a permanent failure (or the last attempt's
    /// failure) and a cancellation into compensation.
    mutating func fulfil() async throws {
        do {
            try await forward()
        } catch let failure as SagaStepFailure {
            logger.warning(
                "saga step failed", metadata: ["order": "\(order.id)", "step": "\(failure.step)", "reason": "\(failure.reason)"]
            )
            guard failure.isPermanent || isLastAttempt else {
                try await noteFailure(failure, outcome: .retrying)
                throw failure
            }
            try await noteFailure(failure, outcome: .failed)
            let reason = failure.isPermanent ? failure.reason : "\(failure.reason) (after \(context.job.maxAttempts) attempts)"
            try await beginCompensation(reason: reason)
            try await compensate()
        } catch is SagaOrderCancelled {
            try await beginCompensation(reason: "the order was cancelled during fulfillment")
            try await compensate()
        }
    }

    private mutating func forward() async throws {
        let plan = try checkedPlan()
        if order.status == .approved {
            order = try await transition(to: .provisioning, reason: "fulfillment started") { $0.saga = .running }
        }
        for step in plan.steps {
            try await checkNotCancelled()
            if records[step.name]?.status != .succeeded && records[step.name]?.status != .skipped {
                try await perform(step, plan: plan)
            }
            if step.kind == .billingCreate, let id = records[step.name]?.result[ResultKey.billingOrderID], order.billingOrderID != id {
                order = try await ledger.update(orderID: order.id, event: nil) { $0.billingOrderID = id }
            }
            if step == plan.activationStep, order.status == .provisioning {
                order = try await transition(to: .activated, reason: "every SIM line is active")
            }
        }
        order = try await transition(to: .fulfilled, reason: "every step succeeded") { $0.saga = .completed }
    }

    /// The plan, once every upstream and link it needs is there.
    ///
    /// - Throws: a permanent ``SagaStepFailure`` naming what is missing.
    private func checkedPlan() throws -> SagaPlan {
        guard let links else { throw SagaStepFailure.permanent("saga", "the customer's account no longer exists") }
        // Without a billing link the plan would blame the SKUs; the link is what is missing.
        if order.items.contains(where: { settings.catalog.billing.billedKinds.contains($0.kind) }) { _ = try billing() }
        let plan: SagaPlan
        switch self.plan {
        case .success(let planned): plan = planned
        case .failure(let error): throw SagaStepFailure.permanent("saga", error.reason)
        }
        if !plan.simUnits.isEmpty {
            guard links.simAccountID != nil else { throw SagaStepFailure.permanent("saga", "the customer has no SIM platform account") }
            _ = try simPlatform()
        }
        if !plan.purchaseLines.isEmpty { _ = try supplier(plan.supplierID) }
        if plan.steps.contains(where: { $0.kind == .crmStatus }) { _ = try crm() }
        return plan
    }

    private mutating func checkNotCancelled() async throws {
        guard let current = try await services.store.orders.order(id: order.id) else {
            throw SagaStepFailure.permanent("saga", "the order no longer exists")
        }
        order = current
        if current.status == .cancelled { throw SagaOrderCancelled() }
    }

    private mutating func perform(_ step: SagaStep, plan: SagaPlan) async throws {
        switch step.kind {
        case .billingCreate: try await createBillingOrder(step, plan: plan)
        case .billingActivate: try await activateBillingOrder(step)
        case .simAllocate, .simConfigure, .simActivate, .simVerify: try await provision(step, plan: plan)
        case .supplierOrder: try await placePurchaseOrder(step, plan: plan)
        case .crmStatus: try await completeCRMOrder(step)
        case .notify: try await notifyCustomer(step)
        }
    }

    /// Moves the order to `status` (the `saga` step on the timeline); a cancellation that got there first stops the
    /// saga for compensation.
    mutating func transition(to status: OrderStatus, reason: String, mutate: @Sendable (inout Order) -> Void = { _ in }) async throws
        -> Order
    {
        do {
            return try await ledger.transition(orderID: order.id, to: status, step: "saga", reason: reason, mutate: mutate)
        } catch let error as OrderTransitionError where error.from == .cancelled {
            throw SagaOrderCancelled()
        }
    }

    // MARK: Records

    /// The record of `step` as saved, or a new pending one.
    func record(_ step: String) -> SagaStepRecord {
        records[step]
            ?? SagaStepRecord(
                orderID: order.id, step: step, generation: order.sagaGeneration,
                idempotencyKey: SagaStepRecord.idempotencyKey(orderID: order.id, step: step, generation: order.sagaGeneration),
                updatedAt: services.clock.now()
            )
    }

    mutating func save(_ record: SagaStepRecord) async throws {
        var record = record
        record.updatedAt = services.clock.now()
        try await services.store.orders.saveSagaStep(record)
        if records[record.step] == nil { recordOrder.append(record.step) }
        records[record.step] = record
    }

    /// Saves `step` as running (one more attempt) and puts `started` on the timeline, before its upstream call.
    mutating func begin(_ step: SagaStep) async throws -> SagaStepRecord {
        var record = self.record(step.name)
        record.status = .running
        record.attempt += 1
        record.error = nil
        try await save(record)
        try await ledger.record(orderID: order.id, step: step.name, outcome: .started, reason: record.attempt > 1 ? "attempt \(record.attempt)" : nil)
        return record
    }

    /// Saves `record` as succeeded with `result` added, and puts `succeeded` on the timeline.
    mutating func succeed(_ record: SagaStepRecord, result: [String: String], note: String? = nil) async throws {
        var record = record
        record.result.merge(result) { _, new in new }
        record.status = .succeeded
        record.error = nil
        try await save(record)
        try await ledger.record(orderID: order.id, step: record.step, outcome: .succeeded, reason: note)
    }

    /// Records a step's failure: the step's record (failed when the upstream refused; still running when the
    /// outcome is unknown) and the timeline.
    private mutating func noteFailure(_ failure: SagaStepFailure, outcome: TimelineOutcome) async throws {
        var reason = failure.reason
        if outcome == .retrying { reason += " (attempt \(context.attempt) of \(context.job.maxAttempts))" }
        if records[failure.step] != nil || SagaStep(name: failure.step) != nil {
            var record = self.record(failure.step)
            if failure.isPermanent { record.status = .failed }
            record.error = failure.reason
            try await save(record)
        }
        try await ledger.record(orderID: order.id, step: failure.step, outcome: outcome, reason: reason)
    }

    /// Runs an upstream call of `step`, turning a provider error into a ``SagaStepFailure``.
    func upstream<T>(_ step: String, _ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as ProviderError {
            // A worker stopping cancels the run: give the job back untouched rather than spend an attempt.
            if Task.isCancelled { throw CancellationError() }
            logger.info("upstream call of a saga step failed", metadata: ["order": "\(order.id)", "step": "\(step)", "error": "\(error)"])
            throw SagaStepFailure(step: step, error)
        }
    }
}

/// The keys of ``SagaStepRecord/result`` the saga writes and reads.
enum ResultKey {
    static let billingOrderID = "billing_order_id"
    static let billingStatus = "billing_status"
    static let invoiceID = "invoice_id"
    static let operationID = "operation_id"
    static let lineID = "line_id"
    static let purchaseOrderID = "purchase_order_id"
    static let supplierID = "supplier_id"
    static let crmStatus = "crm_status"
    static let jobID = "job_id"
    static let refundID = "refund_id"
    static let compensationOperationID = "compensation_operation_id"
    static let compensationAttempts = "compensation_attempts"
    static let compensationRound = "compensation_round"
}
