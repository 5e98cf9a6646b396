/// What kind of work one saga step does; with its unit (for SIM steps) it names the step.
public enum SagaStepKind: String, Sendable, Hashable, Codable, CaseIterable {
    case billingCreate = "billing.create"
    case billingActivate = "billing.activate"
    case simAllocate = "sim.allocate"
    case simConfigure = "sim.configure"
    case simActivate = "sim.activate"
    case simVerify = "sim.verify"
    case supplierOrder = "supplier.order"
    case crmStatus = "crm.status"
    case notify

    /// The four provisioning steps of one SIM unit, in order.
    public static let simSteps: [SagaStepKind] = [.simAllocate, .simConfigure, .simActivate, .simVerify]

    public var isSIM: Bool { Self.simSteps.contains(self) }
}

/// One planned step of an order's fulfillment saga.
public struct SagaStep: Sendable, Hashable, Codable {
    public let kind: SagaStepKind
    /// The SIM unit (0-based across the order's SIM items and their quantities); nil for other steps.
    public let unit: Int?

    public init(_ kind: SagaStepKind, unit: Int? = nil) {
        self.kind = kind
        self.unit = unit
    }

    /// Reads a step back from its ``name``; nil for a name no step has.
    public init?(name: String) {
        let parts = name.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard let kind = SagaStepKind(rawValue: String(parts[0])) else { return nil }
        if parts.count == 2 {
            guard kind.isSIM, let unit = Int(parts[1]), unit >= 0 else { return nil }
            self.init(kind, unit: unit)
        } else {
            guard !kind.isSIM else { return nil }
            self.init(kind)
        }
    }

    /// `billing.create`, `sim.allocate#0`: the step's name on the timeline, in the saga's records and in its key.
    public var name: String { unit.map { "\(kind.rawValue)#\($0)" } ?? kind.rawValue }
}

/// A line of the billing order: a billing product and how many.
public struct SagaBillingLine: Sendable, Hashable, Codable {
    public let productID: String
    public let quantity: Quantity

    public init(productID: String, quantity: Quantity) {
        self.productID = productID
        self.quantity = quantity
    }
}

/// One SIM line to provision: which catalog item it comes from and the platform plan it gets.
public struct SagaSIMUnit: Sendable, Hashable, Codable {
    public let index: Int
    public let sku: SKU
    public let plan: String

    public init(index: Int, sku: SKU, plan: String) {
        self.index = index
        self.sku = sku
        self.plan = plan
    }
}

/// A supplier's item a catalog SKU is bought as; `supplierID` nil means the first supplier that takes orders.
public struct SupplierItemRef: Sendable, Hashable, Codable {
    public let supplierID: String?
    public let itemID: String

    public init(supplierID: String? = nil, itemID: String) {
        self.supplierID = supplierID
        self.itemID = itemID
    }
}

/// A line of the purchase order placed with the supplier.
public struct SagaPurchaseLine: Sendable, Hashable, Codable {
    public let itemID: String
    public let quantity: Quantity

    public init(itemID: String, quantity: Quantity) {
        self.itemID = itemID
        self.quantity = quantity
    }
}

/// What planning needs to know about the catalog, for the billing system of one customer: per SKU (the CRM's
/// product code) the billing product, the SIM platform's plan, the supplier's item.
public struct SagaCatalog: Sendable, Hashable {
    /// SKU → product or price id in the customer's billing system.
    public var billingProducts: [String: String]
    /// The kinds of item the billing system bills; an item of such a kind must have a billing product.
    public var billedKinds: Set<ProductKind>
    /// SKU → the SIM platform's plan code.
    public var simPlans: [String: String]
    /// SKU → the supplier item it is bought as.
    public var supplierItems: [String: SupplierItemRef]

    public init(
        billingProducts: [String: String], billedKinds: Set<ProductKind>, simPlans: [String: String], supplierItems: [String: SupplierItemRef]
    ) {
        self.billingProducts = billingProducts
        self.billedKinds = billedKinds
        self.simPlans = simPlans
        self.supplierItems = supplierItems
    }
}

/// Why an order cannot be planned: items the catalog mapping does not cover. Retrying cannot help.
public struct SagaPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Safe to show to the customer and staff: names SKUs, never customer data.
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// The steps of one order's fulfillment saga and what they send upstream, derived from the order alone (and the
/// catalog mapping): the same order always gives the same plan, so a re-run resumes the same steps.
///
/// Order of steps: `billing.create`, `billing.activate` (when something is billed), then per SIM unit `i`
/// `sim.allocate#i`, `sim.configure#i`, `sim.activate#i`, `sim.verify#i`, then `supplier.order` (one purchase
/// order with every physical line), `crm.status` (when the order has a CRM order), `notify`.
public struct SagaPlan: Sendable, Hashable {
    public let steps: [SagaStep]
    /// The billing order's lines, one per billing product (quantities of items sold as one product are summed).
    public let billingLines: [SagaBillingLine]
    public let simUnits: [SagaSIMUnit]
    public let purchaseLines: [SagaPurchaseLine]
    /// The supplier of every purchase line (nil: the first supplier that takes orders).
    public let supplierID: String?

    /// Plans `order`.
    ///
    /// - Throws: ``SagaPlanError`` naming the SKUs without a billing product, SIM plan or supplier item, or when
    ///   the physical items come from several suppliers.
    public init(order: Order, catalog: SagaCatalog) throws(SagaPlanError) {
        var billing: [(productID: String, quantity: Int)] = []
        var units: [SagaSIMUnit] = []
        var purchase: [(itemID: String, quantity: Int)] = []
        var suppliers: Set<String?> = []
        var unbilled: [String] = []
        var unplanned: [String] = []
        var unsourced: [String] = []
        for item in order.items {
            let sku = item.sku.value
            if catalog.billedKinds.contains(item.kind) {
                if let product = catalog.billingProducts[sku] {
                    if let index = billing.firstIndex(where: { $0.productID == product }) {
                        billing[index].quantity += item.quantity.value
                    } else {
                        billing.append((product, item.quantity.value))
                    }
                } else {
                    unbilled.append(sku)
                }
            }
            switch item.kind {
            case .sim:
                guard let plan = catalog.simPlans[sku] else {
                    unplanned.append(sku)
                    continue
                }
                for _ in 0..<item.quantity.value { units.append(SagaSIMUnit(index: units.count, sku: item.sku, plan: plan)) }
            case .physical:
                guard let source = catalog.supplierItems[sku] else {
                    unsourced.append(sku)
                    continue
                }
                suppliers.insert(source.supplierID)
                if let index = purchase.firstIndex(where: { $0.itemID == source.itemID }) {
                    purchase[index].quantity += item.quantity.value
                } else {
                    purchase.append((source.itemID, item.quantity.value))
                }
            case .subscription:
                break
            }
        }
        var problems: [String] = []
        if !unbilled.isEmpty { problems.append("no billing product for \(Self.list(unbilled))") }
        if !unplanned.isEmpty { problems.append("no SIM plan for \(Self.list(unplanned))") }
        if !unsourced.isEmpty { problems.append("no supplier item for \(Self.list(unsourced))") }
        if suppliers.count > 1 { problems.append("the physical items come from several suppliers") }
        guard problems.isEmpty else { throw SagaPlanError("cannot fulfil the order: " + problems.joined(separator: "; ")) }
        do {
            billingLines = try billing.map { SagaBillingLine(productID: $0.productID, quantity: try Quantity($0.quantity)) }
            purchaseLines = try purchase.map { SagaPurchaseLine(itemID: $0.itemID, quantity: try Quantity($0.quantity)) }
        } catch {
            throw SagaPlanError("cannot fulfil the order: a summed quantity is out of range")
        }
        simUnits = units
        supplierID = suppliers.first ?? nil
        var steps: [SagaStep] = []
        if !billingLines.isEmpty { steps += [SagaStep(.billingCreate), SagaStep(.billingActivate)] }
        for unit in units { steps += SagaStepKind.simSteps.map { SagaStep($0, unit: unit.index) } }
        if !purchaseLines.isEmpty { steps.append(SagaStep(.supplierOrder)) }
        if order.crmOrderID != nil { steps.append(SagaStep(.crmStatus)) }
        steps.append(SagaStep(.notify))
        self.steps = steps
    }

    /// The step after which the order is `activated`: the last SIM step, nil without SIM units.
    public var activationStep: SagaStep? { steps.last { $0.kind.isSIM } }

    private static func list(_ skus: [String]) -> String { Array(Set(skus)).sorted().joined(separator: ", ") }
}
