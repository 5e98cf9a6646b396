/// One compensation the saga owes after a failure: which step it undoes and how.
public struct SagaCompensation: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// Refunds what `billing.activate` charged (when the first invoice was paid).
        case refundPayment
        /// Cancels the billing order `billing.create` made.
        case cancelBillingOrder
        /// Switches off the line `sim.activate#unit` turned on.
        case deactivateLine(unit: Int)
        /// Gives the line `sim.allocate#unit` reserved back to the pool.
        case releaseLine(unit: Int)
        case cancelPurchaseOrder
        /// Sets the CRM order's status to failed, or cancelled for a cancelled order (the CRM order exists from
        /// the order's creation on).
        case markCRMOrderFailed
        /// Nothing of its own to undo: the compensation of step `by` undoes it too (a configured line is
        /// released, a verified line deactivated). It ends as that compensation ends.
        case covered(by: String)
    }

    public let step: String
    public let action: Action

    public init(step: String, action: Action) {
        self.step = step
        self.action = action
    }
}

extension SagaCompensation {
    /// The compensations owed, in the order to run them: the steps that took effect in reverse order, each
    /// covered step right after the compensation that covers it, then the CRM order marked failed.
    ///
    /// A step took effect when it succeeded, or when it started and its outcome is unknown (`running`): its
    /// compensation then finds out (a replay with the step's key, a look at the invoice). A `failed` step was
    /// refused upstream and left nothing to undo. A SIM line that was activated is deactivated, which also
    /// settles its allocation (a deactivated line cannot be released); otherwise an allocated line is released.
    ///
    /// - Parameters:
    ///   - steps: The saga's steps in the order they run (a plan's, or those read back from its records).
    ///   - statuses: The saved status of each step by name; a missing step never started.
    ///   - hasCRMOrder: Whether the order has a CRM order to mark failed.
    public static func owed(steps: [SagaStep], statuses: [String: SagaStepStatus], hasCRMOrder: Bool) -> [SagaCompensation] {
        func tookEffect(_ step: SagaStep) -> Bool {
            guard let status = statuses[step.name] else { return false }
            return status != .pending && status != .failed && status != .skipped
        }
        var undo: [SagaCompensation] = []
        var covered: [String: [SagaCompensation]] = [:]
        func cover(_ step: SagaStep, by coverer: String) {
            covered[coverer, default: []].append(SagaCompensation(step: step.name, action: .covered(by: coverer)))
        }
        for step in steps.reversed() where tookEffect(step) {
            let activation = step.unit.map { SagaStep(.simActivate, unit: $0) }
            let activated = activation.map(tookEffect) ?? false
            switch step.kind {
            case .notify, .crmStatus:
                continue
            case .supplierOrder:
                undo.append(SagaCompensation(step: step.name, action: .cancelPurchaseOrder))
            case .simVerify:
                if let activation, activated { cover(step, by: activation.name) }
            case .simActivate:
                undo.append(SagaCompensation(step: step.name, action: .deactivateLine(unit: step.unit ?? 0)))
            case .simConfigure:
                let allocation = SagaStep(.simAllocate, unit: step.unit)
                cover(step, by: activated ? (activation?.name ?? allocation.name) : allocation.name)
            case .simAllocate:
                if let activation, activated {
                    cover(step, by: activation.name)
                } else {
                    undo.append(SagaCompensation(step: step.name, action: .releaseLine(unit: step.unit ?? 0)))
                }
            case .billingActivate:
                undo.append(SagaCompensation(step: step.name, action: .refundPayment))
            case .billingCreate:
                undo.append(SagaCompensation(step: step.name, action: .cancelBillingOrder))
            }
        }
        var ordered: [SagaCompensation] = []
        for compensation in undo {
            ordered.append(compensation)
            ordered += covered[compensation.step] ?? []
        }
        if hasCRMOrder { ordered.append(SagaCompensation(step: SagaStep(.crmStatus).name, action: .markCRMOrderFailed)) }
        return ordered
    }
}
