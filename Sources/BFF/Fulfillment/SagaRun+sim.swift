import Domain
import Foundation
import Providers
import Queue

/// The SIM provisioning steps: allocate → configure → activate → verify per unit, each an asynchronous platform
/// operation that the saga waits on by snoozing its job.
extension SagaRun {
    /// Runs one SIM step: submits its operation (saving the operation id before waiting), or, on a later run,
    /// reads the saved operation again; snoozes the job while it runs.
    ///
    /// - Throws: ``JobSnooze`` while the operation runs, a permanent ``SagaStepFailure`` when the platform ended
    ///   it `failed`.
    mutating func provision(_ step: SagaStep, plan: SagaPlan) async throws {
        let sim = try simPlatform()
        guard let index = step.unit, plan.simUnits.indices.contains(index), let accountID = links?.simAccountID else {
            throw SagaStepFailure.permanent(step.name, "\(step.name) failed: no such SIM unit")
        }
        var record = self.record(step.name)
        let operation: SIMOperation
        if record.status == .running, let id = record.result[ResultKey.operationID] {
            operation = try await upstream(step.name) { try await sim.operation(id: id) }
        } else {
            let lineID = step.kind == .simAllocate ? nil : try allocatedLine(unit: index, for: step.name)
            record = try await begin(step)
            let key = record.idempotencyKey
            let planCode = plan.simUnits[index].plan
            operation = try await upstream(step.name) {
                try await Self.submit(step.kind, on: sim, accountID: accountID, plan: planCode, lineID: lineID, key: key)
            }
            record.result[ResultKey.operationID] = operation.id
            record.result[ResultKey.lineID] = operation.lineID
            try await save(record)
            if !operation.status.isFinished {
                try await ledger.record(orderID: order.id, step: step.name, outcome: .waiting, reason: "SIM operation \(operation.id)")
            }
        }
        switch operation.status {
        case .pending, .running:
            throw JobSnooze(pollDelay(since: record.updatedAt), reason: "\(step.name): SIM operation \(operation.id) is \(operation.status.rawValue)")
        case .failed:
            throw SagaStepFailure.permanent(step.name, "\(step.name) failed: \(Self.refusal(operation))")
        case .succeeded:
            try await succeed(record, result: [ResultKey.lineID: operation.lineID], note: "SIM operation \(operation.id)")
        }
    }

    /// How long to snooze before reading an operation again that was submitted (its id saved) at `submitted`:
    /// half the time waited so far, between the settings' first poll delay and poll interval.
    func pollDelay(since submitted: Date) -> Duration {
        let waited = Duration.milliseconds(Int64(max(0, services.clock.now().timeIntervalSince(submitted)) * 1000))
        return min(settings.pollInterval, max(settings.firstPollDelay, waited / 2))
    }

    /// The line `sim.allocate#unit` reserved.
    func allocatedLine(unit: Int, for step: String) throws -> String {
        guard let line = records[SagaStep(.simAllocate, unit: unit).name]?.result[ResultKey.lineID] else {
            throw SagaStepFailure.permanent(step, "\(step) failed: no line was allocated")
        }
        return line
    }

    /// Submits the platform operation of a SIM step; a replay with the same key returns the first operation.
    static func submit(
        _ kind: SagaStepKind, on sim: any SIMProvider, accountID: String, plan: String, lineID: String?, key: String
    ) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 (sim/allocate, configure, activate, verify)
        switch (kind, lineID) {
        case (.simAllocate, _): return try await sim.allocate(accountID: accountID, plan: plan, idempotencyKey: key)
        case (.simConfigure, let line?): return try await sim.configure(lineID: line, idempotencyKey: key)
        case (.simActivate, let line?): return try await sim.activate(lineID: line, idempotencyKey: key)
        case (.simVerify, let line?): return try await sim.verify(lineID: line, idempotencyKey: key)
        default: throw SagaStepFailure.permanent(kind.rawValue, "\(kind.rawValue) is not a SIM step with a line")
        }
    }

    /// `the SIM platform refused activate (510)`: the operation's kind and error code (the message may be long).
    static func refusal(_ operation: SIMOperation) -> String {
        "the SIM platform refused \(operation.kind.rawValue) (\(operation.errorCode ?? "no code"))"
    }

    /// Before compensating, finds out how SIM steps whose outcome is unknown (`running`) ended: reads the saved
    /// operation, or replays the call with its key (which returns the operation if the call reached the platform),
    /// and waits for it to finish, so the compensations know whether a line was allocated or activated.
    mutating func settleUnfinishedSIMSteps(_ steps: [SagaStep]) async throws {
        for step in steps where step.kind.isSIM && records[step.name]?.status == .running {
            do {
                try await settle(step)
            } catch {
                try await compensationFailed(step.name, error)
            }
        }
    }

    private mutating func settle(_ step: SagaStep) async throws {
        let sim = try simPlatform()
        var record = self.record(step.name)
        let unit = step.unit ?? 0
        let operation: SIMOperation
        if let id = record.result[ResultKey.operationID] {
            operation = try await sim.operation(id: id)
        } else {
            let line = records[SagaStep(.simAllocate, unit: unit).name]?.result[ResultKey.lineID]
            guard step.kind == .simAllocate || line != nil, let accountID = links?.simAccountID, case .success(let planned) = plan,
                planned.simUnits.indices.contains(unit)
            else {
                // Without a line (or the unit's plan) the call cannot have reached the platform.
                record.status = .failed
                try await save(record)
                return
            }
            operation = try await Self.submit(
                step.kind, on: sim, accountID: accountID, plan: planned.simUnits[unit].plan, lineID: line, key: record.idempotencyKey
            )
            record.result[ResultKey.operationID] = operation.id
            record.result[ResultKey.lineID] = operation.lineID
            try await save(record)
        }
        switch operation.status {
        case .pending, .running:
            throw JobSnooze(pollDelay(since: record.updatedAt), reason: "\(step.name): SIM operation \(operation.id) is \(operation.status.rawValue)")
        case .failed:
            record.status = .failed
            record.error = Self.refusal(operation)
            try await save(record)
            try await ledger.record(orderID: order.id, step: step.name, outcome: .failed, reason: Self.refusal(operation))
        case .succeeded:
            record.status = .succeeded
            try await save(record)
            try await ledger.record(orderID: order.id, step: step.name, outcome: .succeeded, reason: "SIM operation \(operation.id)")
        }
    }
}
