import Domain
import Foundation
import Logging
import Providers
import Queue

/// Compensation: what took effect is undone in reverse order, each undo keyed and retried (snoozing between
/// tries), then the order ends `failed` (or stays `cancelled`); undos that keep failing park the saga as
/// `compensation_failed` and dead-letter the job.
extension SagaRun {
    /// Marks the saga compensating and keeps `reason` as the order's failure reason (the first one wins).
    mutating func beginCompensation(reason: String) async throws {
        order = try await ledger.update(orderID: order.id, event: OrderEventDraft(step: "saga", outcome: .compensating, reason: reason)) { order in
            order.saga = .compensating
            if order.failureReason == nil { order.failureReason = reason }
        }
    }

    /// Runs (or resumes) every compensation owed, then ends the order.
    ///
    /// - Throws: ``JobSnooze`` while a SIM operation runs or before another try of a failed undo;
    ///   ``PermanentJobError`` when an undo kept failing (the saga is `compensation_failed`, for staff).
    mutating func compensate() async throws {
        switch order.saga {
        case .compensationFailed: try await reopenFailedCompensations()
        case .running: try await beginCompensation(reason: "the order was cancelled during fulfillment")
        default: break
        }
        let steps = recordOrder.compactMap(SagaStep.init(name:))
        try await settleUnfinishedSIMSteps(steps)
        let owed = SagaCompensation.owed(steps: steps, statuses: records.mapValues(\.status), hasCRMOrder: order.crmOrderID != nil)
        var failed: [String] = []
        for compensation in owed {
            let status = records[compensation.step]?.status
            if case .covered(let coverer) = compensation.action {
                guard status != .compensated else { continue }
                var record = self.record(compensation.step)
                record.status = records[coverer]?.status == .compensated ? .compensated : .compensationFailed
                try await save(record)
                continue
            }
            if status == .compensated { continue }
            if status == .compensationFailed {
                failed.append(compensation.step)
                continue
            }
            if try await !undo(compensation) { failed.append(compensation.step) }
        }
        try await finishCompensation(failed: failed)
    }

    /// Runs one undo; returns false when it was given up (`compensation_failed`).
    private mutating func undo(_ compensation: SagaCompensation) async throws -> Bool {
        var record = self.record(compensation.step)
        if record.status != .compensating {
            record.status = .compensating
            try await save(record)
            try await ledger.record(orderID: order.id, step: record.step, outcome: .compensating, reason: Self.describe(compensation.action))
        }
        do {
            let note = try await perform(compensation.action, step: compensation.step)
            var done = self.record(compensation.step)
            done.status = .compensated
            done.error = nil
            try await save(done)
            try await ledger.record(orderID: order.id, step: done.step, outcome: .compensated, reason: note)
            return true
        } catch {
            try await compensationFailed(compensation.step, error)
            return false
        }
    }

    /// Handles a failed undo (or settling) of `step`: a retryable failure with tries left snoozes the job for the
    /// next try; otherwise the step is `compensation_failed`. Errors that are not the upstream's (the store, the
    /// queue) are rethrown for the queue to retry the job.
    mutating func compensationFailed(_ step: String, _ error: any Error) async throws {
        if Task.isCancelled { throw CancellationError() }
        let reason: String
        let retryable: Bool
        var notBefore = Duration.zero
        switch error {
        case let snooze as JobSnooze: throw snooze
        case let error as ProviderError:
            logger.warning("saga compensation failed", metadata: ["order": "\(order.id)", "step": "\(step)", "error": "\(error)"])
            (reason, retryable) = ("\(step) compensation failed: \(error.summary)", error.isRetryable)
            // A throttled upstream or an open circuit says when it may be asked again: no try before that.
            notBefore = error.retryAfter ?? .zero
        case let failure as SagaStepFailure: (reason, retryable) = (failure.reason, !failure.isPermanent)
        default: throw error
        }
        var record = self.record(step)
        let attempts = (Int(record.result[ResultKey.compensationAttempts] ?? "") ?? 0) + 1
        record.result[ResultKey.compensationAttempts] = String(attempts)
        record.error = reason
        if retryable && attempts < settings.compensationAttempts {
            try await save(record)
            let note = "\(reason) (compensation attempt \(attempts) of \(settings.compensationAttempts))"
            try await ledger.record(orderID: order.id, step: step, outcome: .retrying, reason: note)
            let delay = max(settings.compensationBackoff.delay(afterFailure: attempts), notBefore)
            throw JobSnooze(delay, reason: "retrying the compensation of \(step)")
        }
        record.status = .compensationFailed
        try await save(record)
        try await ledger.record(orderID: order.id, step: step, outcome: .compensationFailed, reason: reason)
    }

    /// A staff retry of the dead-lettered job: the compensations that failed get fresh tries and a new round of
    /// keys (an upstream replays a key's first, failed, answer).
    private mutating func reopenFailedCompensations() async throws {
        for name in recordOrder {
            guard var record = records[name], record.status == .compensationFailed else { continue }
            let round = Int(record.result[ResultKey.compensationRound] ?? "") ?? 1
            record.status = .compensating
            record.result[ResultKey.compensationRound] = String(round + 1)
            record.result[ResultKey.compensationAttempts] = nil
            record.result[ResultKey.compensationOperationID] = nil
            try await save(record)
        }
        let event = OrderEventDraft(step: "saga", outcome: .compensating, reason: "retrying the compensations that failed")
        order = try await ledger.update(orderID: order.id, event: event) { $0.saga = .compensating }
    }

    /// Ends the order: `failed` with its reason (a cancelled order stays cancelled), the saga `compensated` or
    /// `compensation_failed`, and the customer's notification enqueued.
    private mutating func finishCompensation(failed: [String]) async throws {
        order = try await services.store.orders.order(id: order.id) ?? order
        let reason = order.failureReason ?? "fulfillment failed"
        let state: SagaState = failed.isEmpty ? .compensated : .compensationFailed
        let parked = "compensation failed for \(failed.joined(separator: ", ")); parked for staff"
        if !failed.isEmpty {
            try await ledger.record(orderID: order.id, step: "saga", outcome: .compensationFailed, reason: parked)
        }
        if order.status != .cancelled, let queue = services.jobs[OrderNotificationJob.queue] {
            try await OrderNotificationJob.enqueue(orderID: order.id, event: .failed, generation: order.sagaGeneration, on: queue, now: services.clock.now())
        }
        do {
            order = try await ledger.transition(orderID: order.id, to: .failed, step: "saga", reason: reason) { $0.saga = state }
        } catch let error as OrderTransitionError where error.from == .failed || error.from == .cancelled {
            let event = OrderEventDraft(step: "saga", outcome: failed.isEmpty ? .compensated : .compensationFailed, reason: reason)
            order = try await ledger.update(orderID: order.id, event: event) { $0.saga = state }
        }
        guard failed.isEmpty else { throw PermanentJobError("order \(order.id): \(parked)") }
    }

    /// What the timeline says a compensation does.
    static func describe(_ action: SagaCompensation.Action) -> String {
        switch action {
        case .refundPayment: "refunding what was charged"
        case .cancelBillingOrder: "cancelling the billing order"
        case .deactivateLine: "deactivating the SIM line"
        case .releaseLine: "releasing the SIM line"
        case .cancelPurchaseOrder: "cancelling the purchase order"
        case .markCRMOrderFailed: "marking the CRM order failed (or cancelled)"
        case .covered(let step): "undone by the compensation of \(step)"
        }
    }

    /// The key of a compensation: the step's key + `:compensate` (+ `:r<round>` after a staff retry).
    func compensationKey(_ step: String) -> String {
        let record = self.record(step)
        let round = Int(record.result[ResultKey.compensationRound] ?? "") ?? 1
        return record.idempotencyKey + ":compensate" + (round > 1 ? ":r\(round)" : "")
    }
}
