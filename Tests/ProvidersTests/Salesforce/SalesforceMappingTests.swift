import Domain
import Foundation
@testable import Providers
import Sandbox
import Testing

/// Every file under `fixtures/upstream/salesforce/` decoded and mapped: field by field for one file per resource,
/// each broken variant to `invalidPayload` at its exact path, each error body to its code.
@Suite("Salesforce mapping")
struct SalesforceMappingTests {
    static func data(_ name: String) throws -> Data { try SandboxFixtures.data("salesforce/\(name)") }

    static func query<Record>(_ type: Record.Type, _ name: String) throws -> SalesforceQueryResult<Record> {
        try ProviderError.decode(SalesforceQueryResult<Record>.self, from: data(name), provider: .salesforce)
    }

    static func utc(_ text: String) throws -> Date { try Date.ISO8601FormatStyle().parse(text) }

    // MARK: Coverage

    /// Files this suite maps (broken variants are listed in ``broken``).
    static let mapped: Set<String> = [
        "sobject_account.json", "query_accounts_v44.json", "query_accounts_v20_small.json", "derived/query_orders.json",
        "derived/query_cases.json", "derived/query_case_comments.json", "derived/query_products.json",
        "derived/query_page1_not_done.json", "derived/query_last_page_done.json", "derived/oauth_token_response.json",
        "derived/oauth_token_error.json", "derived/sobject_create_success.json", "derived/error_invalid_session.json",
        "derived/error_malformed_id.json", "derived/error_malformed_query.json", "derived/error_request_limit_exceeded.json",
        "derived/cdc_order_change_event.json",
    ]

    @Test func everyFixtureFileIsMappedByThisSuite() throws {
        let root = SandboxFixtures.directory.appendingPathComponent("salesforce")
        var files: Set<String> = []
        for folder in ["", "derived/"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            files.formUnion(names.filter { $0.hasSuffix(".json") }.map { folder + $0 })
        }
        let covered = Self.mapped.union(Self.broken.map { "derived/\($0.file)" })
        #expect(files == covered, "unmapped: \(files.subtracting(covered).sorted()), missing: \(covered.subtracting(files).sorted())")
    }

    // MARK: Accounts

    @Test func accountRecordMapsFieldByField() throws {
        let raw = try ProviderError.decode(SalesforceAccount.self, from: Self.data("sobject_account.json"), provider: .salesforce)
        let account = try CRMAccount(salesforce: raw)
        #expect(account.id == "0011Y00003HVMu4QAH")
        #expect(account.name == "Alaska Center for Performing Arts")
        #expect(account.email == nil)
        #expect(account.phone == "9075551212")
        #expect(account.type == "Customer - Channel")
        #expect(account.industry == nil)
        #expect(account.website == "www.coolcorp1.net")
        #expect(account.address == PostalAddress(line1: "621 West 6th Avenue", city: "Anchorage", state: "AK", postalCode: "99501", country: "US"))
    }

    @Test func accountQueryPrefersIdOverTheAttributesURL() throws {
        let page = try Self.query(SalesforceAccount.self, "query_accounts_v44.json").page { raw, path throws(ProviderError) in
            try CRMAccount(salesforce: raw, path: path)
        }
        #expect(page.items.count == 12)
        #expect(page.items.first?.id == "001B000000oAiW9IAK")
        #expect(page.items.first?.name == "Edge Communications")
        #expect(page.items.last?.id == "001B000000oAiWKIA0")
        #expect(page.items.last?.name == "sForce")
        #expect(page.nextCursor == nil)
    }

    @Test func accountsWithoutIdTakeItFromTheAttributesURL() throws {
        let page = try Self.query(SalesforceAccount.self, "query_accounts_v20_small.json").page { raw, path throws(ProviderError) in
            try CRMAccount(salesforce: raw, path: path)
        }
        #expect(page.items.map(\.id) == ["001D000000IRFmaIAH", "001D000000IomazIAB"])
        #expect(page.items.map(\.name) == ["Test 1", "Test 2"])
        #expect(page.items.allSatisfy { $0.email == nil && $0.address == nil })
    }

    @Test func aQueryNotDoneCarriesItsLocatorAsCursor() throws {
        let first = try Self.query(SalesforceAccount.self, "derived/query_page1_not_done.json").page { raw, path throws(ProviderError) in
            try CRMAccount(salesforce: raw, path: path)
        }
        #expect(first.items.map(\.name) == ["Test 1", "Test 2"])
        #expect(first.nextCursor == "/services/data/v20.0/query/01gD0000002HU6KIAW-2000")
        let last = try Self.query(SalesforceAccount.self, "derived/query_last_page_done.json").page { raw, path throws(ProviderError) in
            try CRMAccount(salesforce: raw, path: path)
        }
        #expect(last.items.map(\.id) == ["001D000000IRFmbIAH"])
        #expect(last.items.map(\.name) == ["Test 2001"])
        #expect(last.nextCursor == nil)
    }

    // MARK: Orders

    @Test func orderQueryRecordMapsFieldByField() throws {
        let page = try Self.query(SalesforceOrder.self, "derived/query_orders.json").page { raw, path throws(ProviderError) in
            try ExternalOrder(salesforce: raw, orgCurrency: try? Currency("JPY"), path: path)
        }
        let order = try #require(page.items.first)
        #expect(page.items.count == 1)
        #expect(order.id == "801xx000003GYtWAAW")
        #expect(order.number == "00000100")
        #expect(order.accountID == "001xx000003DGb2AAG")
        #expect(order.status == .draft)
        #expect(order.upstreamStatus == "Draft")
        #expect(order.total == Money(minorUnits: 4980, currency: try Currency("JPY")))
        #expect(order.effectiveDate == (try Self.utc("2024-07-01T00:00:00Z")))
        #expect(order.atriumOrderID == nil)
    }

    @Test func anOrderAmountWithoutCurrencyNeedsTheOrgCurrency() throws {
        let result = try Self.query(SalesforceOrder.self, "derived/query_orders.json")
        let error = try #require(throws: ProviderError.self) {
            try result.page { raw, path throws(ProviderError) in try ExternalOrder(salesforce: raw, orgCurrency: nil, path: path) }
        }
        #expect(error.code == .invalidPayload)
        #expect(error.path == "$.records[0].CurrencyIsoCode")
    }

    @Test(arguments: SalesforceOrderStatus.labels)
    func orderStatusLabelsRoundTrip(_ entry: (label: String, status: ExternalOrderStatus)) {
        #expect(SalesforceOrderStatus.status(entry.label) == entry.status)
        #expect(SalesforceOrderStatus.status(SalesforceOrderStatus.label(entry.status)) == entry.status)
    }

    // MARK: Cases

    @Test func caseQueryRecordMapsFieldByField() throws {
        let page = try Self.query(SalesforceCase.self, "derived/query_cases.json").page { raw, path throws(ProviderError) in
            try SupportCase(salesforce: raw, path: path)
        }
        let supportCase = try #require(page.items.first)
        let opened = try Self.utc("2024-07-02T01:02:03Z")
        #expect(supportCase.id == "500xx000000bZ1nAAE")
        #expect(supportCase.number == "00001026")
        #expect(supportCase.accountID == "001xx000003DGb2AAG")
        #expect(supportCase.subject == "SIM not activated")
        #expect(supportCase.description == nil)
        #expect(supportCase.status == .new)
        #expect(supportCase.priority == .medium)
        #expect(supportCase.openedAt == opened)
        #expect(supportCase.closedAt == nil)
        #expect(supportCase.slaDueAt == opened.addingTimeInterval(24 * 3600))
        #expect(supportCase.comments.isEmpty)
    }

    @Test func caseCommentsMapFieldByField() throws {
        let page = try Self.query(SalesforceCaseComment.self, "derived/query_case_comments.json").page { raw, path throws(ProviderError) in
            try CaseComment(salesforce: raw, path: path)
        }
        #expect(page.items.count == 2)
        let published = try #require(page.items.first)
        #expect(published.id == "00axx000001AbCdAAK")
        #expect(published.body == "We have re-sent the activation to your SIM.")
        #expect(published.author == "Sam Support")
        #expect(published.isPublic)
        #expect(published.createdAt == (try Self.utc("2024-07-02T03:04:05Z")))
        let unpublished = try #require(page.items.last)
        #expect(unpublished.id == "00axx000001AbCeAAK")
        #expect(unpublished.author == nil)
        #expect(!unpublished.isPublic)
    }

    // MARK: Products

    @Test func productQueryMapsFieldByField() throws {
        let page = try Self.query(SalesforceProduct.self, "derived/query_products.json").page { raw, path throws(ProviderError) in
            try CatalogItem(salesforce: raw, orgCurrency: nil, path: path)
        }
        #expect(page.items.count == 2)
        let sim = try #require(page.items.first)
        #expect(sim.sku == (try SKU("SIM-20GB")))
        #expect(sim.name == "SIM 20 GB")
        #expect(sim.description == "20 GB of mobile data a month")
        #expect(sim.kind == .sim)
        #expect(sim.category == "SIM")
        #expect(sim.isActive)
        #expect(sim.stock == StockLevel(availability: .notApplicable))
        #expect(sim.links[.salesforce] == "01txx0000006iTAAAY")
        #expect(sim.pricePlans == [
            PricePlan(id: "01uxx0000008yYbAAI", name: "SIM 20 GB", amount: Money(minorUnits: 1990, currency: try Currency("EUR")), interval: .monthly),
            PricePlan(
                id: "01uxx0000008yYcAAI", name: "SIM 20 GB", amount: Money(minorUnits: 2190, currency: try Currency("USD")), interval: .monthly
            ),
        ])
        let router = try #require(page.items.last)
        #expect(router.sku == (try SKU("ROUTER-AX3000")))
        #expect(router.kind == .physical)
        #expect(router.description == nil)
        #expect(router.pricePlans.isEmpty)
    }

    // MARK: Token, save result, change event

    @Test func tokenResponseMapsFieldByField() throws {
        let raw = try ProviderError.decode(SalesforceToken.self, from: Self.data("derived/oauth_token_response.json"), provider: .salesforce)
        #expect(raw.accessToken == "00Dxx0000000000!AQ0AQExampleOnlyNotARealToken")
        #expect(raw.instanceURL == "https://example.my.salesforce.com")
        #expect(raw.id == "https://login.salesforce.com/id/00Dxx0000000000EAA/005xx000000AAAAAAA")
        #expect(raw.tokenType == "Bearer")
        #expect(raw.issuedAt == "1699999999999")
        #expect(raw.signature == "ExampleBase64HmacSignature=")
        let token = try SalesforceSession.Token(salesforce: raw, loginURL: "https://login.salesforce.com")
        #expect(token == SalesforceSession.Token(accessToken: raw.accessToken, instanceURL: "https://example.my.salesforce.com"))
    }

    @Test func createResultMaps() throws {
        let saved = try ProviderError.decode(SalesforceSaveResult.self, from: Self.data("derived/sobject_create_success.json"), provider: .salesforce)
        #expect(saved.id == "001D000000IqhSLIAZ")
        #expect(saved.success)
        #expect(saved.created == nil)
    }

    @Test func orderChangeEventMapsFieldByField() throws {
        let change = try SalesforceOrderChange(webhookBody: Self.data("derived/cdc_order_change_event.json"))
        #expect(change.orderIDs == ["801xx000003GYtWAAW"])
        #expect(change.changeType == "UPDATE")
        #expect(change.status == .fulfilling)
        #expect(change.upstreamStatus == "Activated")
        #expect(change.committedAt == Date(timeIntervalSince1970: 1_719_876_940))
        #expect(change.replayID == 6)
    }

    // MARK: Error bodies

    @Test(arguments: [
        ("derived/error_invalid_session.json", 401, ProviderError.Code.unauthorized, "INVALID_SESSION_ID"),
        ("derived/error_malformed_id.json", 400, .rejected, "MALFORMED_ID"),
        ("derived/error_malformed_query.json", 400, .rejected, "MALFORMED_QUERY"),
        ("derived/error_request_limit_exceeded.json", 403, .rateLimited, "REQUEST_LIMIT_EXCEEDED"),
    ])
    func errorBodiesMapToCodes(_ file: String, _ status: Int, _ code: ProviderError.Code, _ upstreamCode: String) throws {
        let error = ProviderError.salesforce(status: status, body: try Self.data(file))
        #expect(error.code == code)
        #expect(error.upstreamCode == upstreamCode)
        #expect(error.upstreamStatus == status)
        #expect(!error.detail.contains("001900K0001pPuOAAU"), "the detail quotes the refused value")
    }

    @Test func oauthErrorIsUnauthorized() throws {
        let error = ProviderError.salesforceOAuth(status: 400, body: try Self.data("derived/oauth_token_error.json"))
        #expect(error.code == .unauthorized)
        #expect(error.upstreamCode == "invalid_grant")
    }

    @Test func errorCodesWithoutABodyFallBackOnTheStatus() {
        #expect(ProviderError.salesforce(status: 404, body: Data("<html>".utf8)).code == .notFound)
        #expect(ProviderError.salesforce(status: 401, body: Data()).code == .unauthorized)
        #expect(ProviderError.salesforce(status: 300, body: Data()).code == .conflict)
        #expect(ProviderError.salesforce(status: 400, body: Data(#"[{"errorCode":"DUPLICATE_VALUE","message":"x"}]"#.utf8)).code == .conflict)
        #expect(ProviderError.salesforce(status: 400, body: Data(#"[{"errorCode":"INVALID_FIELD","message":"x"}]"#.utf8)).code == .rejected)
    }
}
