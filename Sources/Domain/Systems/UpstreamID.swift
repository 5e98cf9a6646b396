/// The upstream systems Atrium aggregates; each customer may be linked to an id in several of them.
public enum UpstreamID: String, Sendable, Hashable, CaseIterable, Codable {
    /// Stripe-like billing (REST).
    case stripe
    /// WHMCS-like billing and services (action API).
    case whmcs
    /// Salesforce-like CRM (SOQL, Orders, Cases, platform events).
    case salesforce
    /// SIM / provisioning platform (Freebit-like).
    case sim
    /// Wholesale supplier catalog APIs and feeds.
    case supplier
}
