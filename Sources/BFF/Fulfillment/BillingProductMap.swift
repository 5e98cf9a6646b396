public import Domain
import Sandbox

/// Which billing product each catalog SKU is sold as, per billing system: data, not code paths.
///
/// The catalog is the CRM's (SKU = Salesforce `Product2.ProductCode`); a billing product is what the billing
/// adapter's ``BillingOrderRequest/Line/productID`` means: a Stripe recurring price id (each line becomes a
/// subscription item) or a WHMCS product id (`pid` of AddOrder). Items of a kind in ``billedKinds`` must be
/// mapped; the saga fails an order with an unmapped one before it calls any upstream.
public struct BillingProductMap: Sendable, Hashable {
    /// Billing system → SKU → product id.
    public var products: [UpstreamID: [String: String]]
    /// The kinds of item the billing system bills. Physical goods are not by default: the billing adapters create
    /// subscriptions and services (a Stripe subscription takes recurring prices only), and a physical good is
    /// bought from a supplier with its own purchase order.
    public var billedKinds: Set<ProductKind>

    public init(products: [UpstreamID: [String: String]], billedKinds: Set<ProductKind> = [.subscription, .sim]) {
        self.products = products
        self.billedKinds = billedKinds
    }

    /// SKU → product id in `upstream` (empty for a billing system without a mapping).
    public func products(in upstream: UpstreamID) -> [String: String] { products[upstream] ?? [:] }

    /// The defaults for the sandbox upstreams, matching their seeds.
    ///
    /// The Stripe sandbox sells one mobile price (Mobile 10 GB) and two fibre prices: every SIM plan the SIM
    /// platform provisions is billed as the mobile price, `FIBER-1000` as Fibre 1000 and `FIBER-300` as Fibre 100
    /// (the nearest seeded price). The WHMCS sandbox's only recurring mobile product is pid 2 (Mobile 10 GB).
    /// Every other subscription SKU (TV, cloud backup, security suite, the SIM plans the platform has no plan
    /// for) is unmapped, so an order of one fails with a reason that names it.
    public static let sandbox = BillingProductMap(products: [
        .stripe: [
            "SIM-5GB": StripeSandbox.mobile10GBPriceID,
            "SIM-20GB": StripeSandbox.mobile10GBPriceID,
            "SIM-UNLIMITED": StripeSandbox.mobile10GBPriceID,
            "FIBER-300": StripeSandbox.fibre100PriceID,
            "FIBER-1000": StripeSandbox.fibre1000PriceID,
        ],
        .whmcs: [
            "SIM-5GB": "2",
            "SIM-20GB": "2",
            "SIM-UNLIMITED": "2",
        ],
    ])
}
