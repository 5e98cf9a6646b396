import BFF
import Domain
import Foundation
import Testing

/// The saga's plan and compensation order, as pure values (no upstreams).
@Suite("Fulfillment plan")
struct FulfillmentPlanTests {
    static func order(_ items: [OrderItem], crmOrderID: String? = "801DM0000000001AAA") throws -> Order {
        let zero = Money(minorUnits: 0, currency: try Currency("EUR"))
        return Order(
            id: UUID(), tenant: "demo", userID: UUID(), status: .approved, items: items, subtotal: zero, tax: zero, total: zero,
            crmOrderID: crmOrderID, createdAt: Date(), updatedAt: Date()
        )
    }

    static let stripe = FulfillmentCatalog.sandbox.sagaCatalog(billing: .stripe)

    @Test func aSIMOrderIsBilledThenProvisionedUnitByUnit() throws {
        let order = try Self.order([
            try FulfillmentHarness.item("SIM-5GB", kind: .sim, quantity: 2, cents: 990),
            try FulfillmentHarness.item("SIM-20GB", kind: .sim, cents: 1990),
        ])
        let plan = try SagaPlan(order: order, catalog: Self.stripe)
        #expect(plan.steps.map(\.name) == [
            "billing.create", "billing.activate",
            "sim.allocate#0", "sim.configure#0", "sim.activate#0", "sim.verify#0",
            "sim.allocate#1", "sim.configure#1", "sim.activate#1", "sim.verify#1",
            "sim.allocate#2", "sim.configure#2", "sim.activate#2", "sim.verify#2",
            "crm.status", "notify",
        ])
        // Both plans are sold as the sandbox's one mobile price: one billing line of three.
        #expect(plan.billingLines.map(\.productID) == ["price_1DemoMobile10GBMonth01"])
        #expect(plan.billingLines.map(\.quantity.value) == [3])
        #expect(plan.simUnits.map(\.plan) == ["SIM-5GB", "SIM-5GB", "SIM-20GB"])
        #expect(plan.activationStep?.name == "sim.verify#2")
        for step in plan.steps { #expect(SagaStep(name: step.name) == step) }
    }

    @Test func aPhysicalOrderIsOnePurchaseOrderAndNotBilled() throws {
        let order = try Self.order([try FulfillmentHarness.item("PHONE-A55", kind: .physical, quantity: 2, cents: 34900)], crmOrderID: nil)
        let plan = try SagaPlan(order: order, catalog: Self.stripe)
        #expect(plan.steps.map(\.name) == ["supplier.order", "notify"])
        #expect(plan.purchaseLines == [SagaPurchaseLine(itemID: "SUP-00001", quantity: try Quantity(2))])
        #expect(plan.activationStep == nil)
    }

    @Test func unmappedSKUsAreNamedInTheReason() throws {
        let order = try Self.order([
            try FulfillmentHarness.item("SIM-50GB", kind: .sim, cents: 2990),
            try FulfillmentHarness.item("TV-BASIC", kind: .subscription, cents: 990),
            try FulfillmentHarness.item("MESH-NODE", kind: .physical, cents: 8900),
        ])
        let error = #expect(throws: SagaPlanError.self) { try SagaPlan(order: order, catalog: Self.stripe) }
        let reason = error?.reason ?? ""
        #expect(reason.contains("no billing product for SIM-50GB, TV-BASIC"))
        #expect(reason.contains("no SIM plan for SIM-50GB"))
        #expect(reason.contains("no supplier item for MESH-NODE"))
        // WHMCS has no fibre product at all.
        let fibre = try Self.order([try FulfillmentHarness.item("FIBER-1000", kind: .subscription, cents: 5490)])
        #expect(throws: SagaPlanError.self) { try SagaPlan(order: fibre, catalog: FulfillmentCatalog.sandbox.sagaCatalog(billing: .whmcs)) }
        #expect(throws: SagaPlanError.self) { try SagaPlan(order: fibre, catalog: FulfillmentCatalog.sandbox.sagaCatalog(billing: nil)) }
    }

    @Test func aFailedActivationReleasesTheLineThenRefundsAndCancels() throws {
        let order = try Self.order([try FulfillmentHarness.item("SIM-5GB", kind: .sim, cents: 990)])
        let plan = try SagaPlan(order: order, catalog: Self.stripe)
        let statuses: [String: SagaStepStatus] = [
            "billing.create": .succeeded, "billing.activate": .succeeded, "sim.allocate#0": .succeeded, "sim.configure#0": .succeeded,
            "sim.activate#0": .failed,
        ]
        let owed = SagaCompensation.owed(steps: plan.steps, statuses: statuses, hasCRMOrder: true)
        #expect(owed == [
            SagaCompensation(step: "sim.allocate#0", action: .releaseLine(unit: 0)),
            SagaCompensation(step: "sim.configure#0", action: .covered(by: "sim.allocate#0")),
            SagaCompensation(step: "billing.activate", action: .refundPayment),
            SagaCompensation(step: "billing.create", action: .cancelBillingOrder),
            SagaCompensation(step: "crm.status", action: .markCRMOrderFailed),
        ])
    }

    @Test func anActivatedLineIsDeactivatedNotReleased() throws {
        let order = try Self.order([
            try FulfillmentHarness.item("SIM-5GB", kind: .sim, cents: 990),
            try FulfillmentHarness.item("PHONE-A55", kind: .physical, cents: 34900),
        ], crmOrderID: nil)
        let plan = try SagaPlan(order: order, catalog: Self.stripe)
        let statuses: [String: SagaStepStatus] = [
            "billing.create": .succeeded, "billing.activate": .failed, "sim.allocate#0": .succeeded, "sim.configure#0": .succeeded,
            "sim.activate#0": .succeeded, "sim.verify#0": .succeeded,
            // Started, outcome unknown: compensated as if it took effect.
            "supplier.order": .running,
        ]
        let owed = SagaCompensation.owed(steps: plan.steps, statuses: statuses, hasCRMOrder: false)
        #expect(owed.map(\.step) == [
            "supplier.order", "sim.activate#0", "sim.verify#0", "sim.configure#0", "sim.allocate#0", "billing.create",
        ])
        #expect(owed[1].action == .deactivateLine(unit: 0))
        #expect(owed[4].action == .covered(by: "sim.activate#0"))
    }

    @Test func nothingStartedOwesOnlyTheCRMStatus() throws {
        let order = try Self.order([try FulfillmentHarness.item("SIM-5GB", kind: .sim, cents: 990)])
        let plan = try SagaPlan(order: order, catalog: Self.stripe)
        #expect(SagaCompensation.owed(steps: plan.steps, statuses: [:], hasCRMOrder: true).map(\.action) == [.markCRMOrderFailed])
        #expect(SagaCompensation.owed(steps: plan.steps, statuses: [:], hasCRMOrder: false).isEmpty)
        #expect(SagaStep(name: "sim.allocate") == nil)
        #expect(SagaStep(name: "billing.create#1") == nil)
        #expect(SagaStep(name: "nope") == nil)
    }
}
