public import Domain
import Sandbox

/// What the saga needs to know about the catalog beyond billing: the SIM platform's plan of each SIM SKU and the
/// supplier item of each physical SKU.
public struct FulfillmentCatalog: Sendable, Hashable {
    public var billing: BillingProductMap
    /// SKU → the SIM platform's plan code.
    public var simPlans: [String: String]
    /// SKU → the supplier item it is bought as.
    public var supplierItems: [String: SupplierItemRef]

    public init(billing: BillingProductMap, simPlans: [String: String], supplierItems: [String: SupplierItemRef]) {
        self.billing = billing
        self.simPlans = simPlans
        self.supplierItems = supplierItems
    }

    /// The planning view for a customer billed by `upstream` (nil: the customer has no billing link).
    public func sagaCatalog(billing upstream: UpstreamID?) -> SagaCatalog {
        SagaCatalog(
            billingProducts: upstream.map { billing.products(in: $0) } ?? [:], billedKinds: billing.billedKinds, simPlans: simPlans,
            supplierItems: supplierItems
        )
    }

    /// The defaults for the sandbox upstreams, matching their seeds.
    ///
    /// The SIM platform has the plans `SIM-5GB`, `SIM-20GB` and `SIM-UNLIMITED` (the CRM's SKUs of the same name);
    /// `SIM-50GB` and `SIM-DATA-10GB` have none. The supplier API (`sandbox-api`, the first supplier that takes
    /// orders) sells the smartphone as `SUP-00001` and a USB-C charger as `SUP-00003`, which its seed has out of
    /// stock (an order of it is refused: a permanent failure). Other hardware has no supplier item.
    public static let sandbox = FulfillmentCatalog(
        billing: .sandbox,
        simPlans: [
            "SIM-5GB": SIMSandbox.plan5GB,
            "SIM-20GB": SIMSandbox.plan20GB,
            "SIM-UNLIMITED": SIMSandbox.planUnlimited,
        ],
        supplierItems: [
            "PHONE-A55": SupplierItemRef(itemID: SupplierSandbox.knownItemID),
            "USB-C-CHARGER-30W": SupplierItemRef(itemID: SupplierSandbox.outOfStockItemID),
        ]
    )
}
