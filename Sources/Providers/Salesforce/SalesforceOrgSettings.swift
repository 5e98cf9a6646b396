public import Domain

/// How an org is set up, where Salesforce orgs differ.
public struct SalesforceOrgSettings: Sendable {
    /// The currency of a single-currency org. `nil` (the default) means a multi-currency org: queries select
    /// `CurrencyIsoCode` and amounts are read in each record's currency.
    public var currency: Currency?
    /// Whether `Case` has the custom date-time field `SLA_Due__c`; without it the SLA is computed from `slaPolicy`.
    public var hasSLADueField: Bool
    /// The response times applied to a case's `CreatedDate` when it carries no SLA due time.
    public var slaPolicy: SLAPolicy

    public init(currency: Currency? = nil, hasSLADueField: Bool = true, slaPolicy: SLAPolicy = .standard) {
        self.currency = currency
        self.hasSLADueField = hasSLADueField
        self.slaPolicy = slaPolicy
    }
}
