public import AsyncHTTPClient
public import Domain
public import Logging

/// The CRM capability on a Salesforce org: accounts, orders, support cases and the product catalog, over the
/// REST API (pinned to ``SalesforceClient/apiVersion``) with an OAuth 2.0 client-credentials token.
///
/// The configuration's base URL is the **login** URL (`https://login.salesforce.com` or the org's My Domain);
/// data calls go to the `instance_url` the token response names (see ``SalesforceClient``). The token is cached,
/// shared by concurrent calls, and renewed once when Salesforce answers `401 INVALID_SESSION_ID`.
///
/// What the org needs: person accounts (`Account.PersonEmail` is the e-mail Atrium looks accounts up by),
/// unique external id text fields `Order.Atrium_Order_Id__c` and `OrderItem.Atrium_Line_Id__c`, the standard
/// price book holding the sold products (`Product2.ProductCode` is the SKU, `Family` the kind), and optionally
/// `Case.SLA_Due__c` (see ``SalesforceOrgSettings``).
///
/// Paging: the cursor of a page is Salesforce's `nextRecordsUrl`; the limit is sent as the query batch size,
/// which Salesforce treats as a hint of at least 200 (the sandbox: at least 10), so a live org's page may hold
/// more records than the limit asked for.
public struct SalesforceCRMProvider: CRMProvider {
    public var upstream: UpstreamID { .salesforce }
    let client: SalesforceClient
    let org: SalesforceOrgSettings

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - configuration: The transport settings; `baseURL` is the login URL.
    ///   - credentials: The connected app's client id and secret.
    ///   - org: How the org is set up (currency, SLA field).
    ///   - httpClient: The process's HTTP client.
    ///   - logger: Where transport lines go.
    ///   - observer: Receives call outcomes and circuit changes, for metrics.
    public init(
        configuration: TransportConfiguration,
        credentials: SalesforceCredentials,
        org: SalesforceOrgSettings = SalesforceOrgSettings(),
        httpClient: HTTPClient = HTTPTransport.sharedHTTPClient,
        logger: Logger = Logger(label: "atrium.provider.salesforce"),
        observer: (any TransportObserver)? = nil
    ) {
        self.client = SalesforceClient(
            configuration: configuration, credentials: credentials, httpClient: httpClient, logger: logger, observer: observer
        )
        self.org = org
    }

    // MARK: Accounts

    public func account(id: String) async throws(ProviderError) -> CRMAccount {
        let id = try SalesforceSOQL.recordID(id, field: "account id")
        let raw = try await client.record(SalesforceAccount.self, object: "Account", id: id, fields: Fields.account)
        return try CRMAccount(salesforce: raw)
    }

    /// The account whose `PersonEmail` is `email` (compared case-insensitively, as SOQL does).
    ///
    /// - Throws: `.conflict` when more than one account has the address (Atrium will not guess which).
    public func account(email: EmailAddress) async throws(ProviderError) -> CRMAccount? {
        let soql = "SELECT \(Fields.account.joined(separator: ", ")) FROM Account WHERE PersonEmail = \(SalesforceSOQL.literal(email.value)) "
            + "ORDER BY CreatedDate ASC LIMIT 2"
        let result = try await client.query(SalesforceAccount.self, soql, object: "Account")
        guard result.records.count <= 1 else {
            throw ProviderError(.conflict, provider: .salesforce, detail: "more than one account has this e-mail address")
        }
        guard let raw = result.records.first else { return nil }
        return try CRMAccount(salesforce: raw, path: "$.records[0]")
    }

    // MARK: Catalog

    /// Active products with their active standard price book entries, by product code.
    public func products(page: PageRequest) async throws(ProviderError) -> Page<CatalogItem> {
        let result: SalesforceQueryResult<SalesforceProduct>
        if let cursor = page.cursor {
            result = try await client.queryMore(SalesforceProduct.self, locator: cursor, object: "Product2")
        } else {
            let entryFields = ["Id", "UnitPrice"] + currencyField + ["IsActive"]
            let soql = "SELECT Id, Name, ProductCode, Description, Family, IsActive, "
                + "(SELECT \(entryFields.joined(separator: ", ")) FROM PricebookEntries WHERE IsActive = true AND Pricebook2.IsStandard = true) "
                + "FROM Product2 WHERE IsActive = true ORDER BY ProductCode ASC, Id ASC"
            result = try await client.query(SalesforceProduct.self, soql, object: "Product2", batchSize: page.limit)
        }
        return try result.page { raw, path throws(ProviderError) in
            try CatalogItem(salesforce: raw, orgCurrency: org.currency, path: path)
        }
    }

    // MARK: Field lists

    /// `CurrencyIsoCode` in a multi-currency org, nothing in a single-currency one (where it does not exist).
    var currencyField: [String] { org.currency == nil ? ["CurrencyIsoCode"] : [] }

    enum Fields {
        static let account = [
            "Id", "Name", "PersonEmail", "Phone", "Type", "Industry", "Website", "BillingStreet", "BillingCity",
            "BillingState", "BillingPostalCode", "BillingCountry",
        ]
        static let comment = ["Id", "ParentId", "CommentBody", "IsPublished", "CreatedDate", "CreatedBy.Name"]
    }
}

extension SalesforceQueryResult {
    /// The records mapped one by one (each with its path `$.records[i]`), and the next batch's locator as cursor.
    ///
    /// - Throws: the mapping's error, or `.invalidPayload` at `$.nextRecordsUrl` when more records are announced
    ///   without a locator.
    func page<Item: Sendable>(_ transform: (Record, String) throws(ProviderError) -> Item) throws(ProviderError) -> Page<Item> {
        var items: [Item] = []
        items.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            items.append(try transform(record, "$.records[\(index)]"))
        }
        guard done || nextRecordsURL != nil else {
            throw .invalidPayload(.salesforce, path: "$.nextRecordsUrl", "done is false but no nextRecordsUrl")
        }
        return Page(items: items, nextCursor: done ? nil : nextRecordsURL)
    }
}
