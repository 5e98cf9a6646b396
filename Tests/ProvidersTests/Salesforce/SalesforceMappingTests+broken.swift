import Domain
import Foundation
@testable import Providers
import Testing

/// One hand-made broken payload: how it is read, and the JSON path its `invalidPayload` must name.
struct BrokenSalesforceFixture: Sendable, CustomStringConvertible {
    let file: String
    let path: String
    let read: @Sendable (Data) throws(ProviderError) -> Void

    var description: String { file }
}

extension SalesforceMappingTests {
    static func account(_ data: Data) throws(ProviderError) {
        _ = try CRMAccount(salesforce: ProviderError.decode(SalesforceAccount.self, from: data, provider: .salesforce))
    }

    static func orders(_ data: Data) throws(ProviderError) {
        let result = try ProviderError.decode(SalesforceQueryResult<SalesforceOrder>.self, from: data, provider: .salesforce)
        _ = try result.page { raw, path throws(ProviderError) in try ExternalOrder(salesforce: raw, orgCurrency: try? Currency("JPY"), path: path) }
    }

    static func cases(_ data: Data) throws(ProviderError) {
        let result = try ProviderError.decode(SalesforceQueryResult<SalesforceCase>.self, from: data, provider: .salesforce)
        _ = try result.page { raw, path throws(ProviderError) in try SupportCase(salesforce: raw, path: path) }
    }

    static func comments(_ data: Data) throws(ProviderError) {
        let result = try ProviderError.decode(SalesforceQueryResult<SalesforceCaseComment>.self, from: data, provider: .salesforce)
        _ = try result.page { raw, path throws(ProviderError) in try CaseComment(salesforce: raw, path: path) }
    }

    static func products(_ data: Data) throws(ProviderError) {
        let result = try ProviderError.decode(SalesforceQueryResult<SalesforceProduct>.self, from: data, provider: .salesforce)
        _ = try result.page { raw, path throws(ProviderError) in try CatalogItem(salesforce: raw, orgCurrency: nil, path: path) }
    }

    static func token(_ data: Data) throws(ProviderError) {
        let raw = try ProviderError.decode(SalesforceToken.self, from: data, provider: .salesforce)
        _ = try SalesforceSession.Token(salesforce: raw, loginURL: "https://login.salesforce.com")
    }

    static func change(_ data: Data) throws(ProviderError) { _ = try SalesforceOrderChange(webhookBody: data) }

    static let broken: [BrokenSalesforceFixture] = [
        .init(file: "broken_account_missing_name.json", path: "$.Name", read: account),
        .init(file: "broken_account_invalid_email.json", path: "$.PersonEmail", read: account),
        .init(file: "broken_account_without_id.json", path: "$.Id", read: account),
        .init(file: "broken_query_orders_unknown_status.json", path: "$.records[0].Status", read: orders),
        .init(file: "broken_query_orders_amount_as_string.json", path: "$.records[0].TotalAmount", read: orders),
        .init(file: "broken_query_orders_too_many_decimals.json", path: "$.records[0].TotalAmount", read: orders),
        .init(file: "broken_query_orders_bad_effective_date.json", path: "$.records[0].EffectiveDate", read: orders),
        .init(file: "broken_query_cases_unknown_priority.json", path: "$.records[0].Priority", read: cases),
        .init(file: "broken_query_cases_bad_created_date.json", path: "$.records[0].CreatedDate", read: cases),
        .init(file: "broken_query_cases_unknown_status.json", path: "$.records[0].Status", read: cases),
        .init(file: "broken_query_cases_missing_status.json", path: "$.records[0].Status", read: cases),
        .init(file: "broken_query_not_done_without_locator.json", path: "$.nextRecordsUrl", read: cases),
        .init(file: "broken_query_missing_done.json", path: "$.done", read: cases),
        .init(file: "broken_query_case_comments_missing_body.json", path: "$.records[0].CommentBody", read: comments),
        .init(file: "broken_query_products_unknown_family.json", path: "$.records[0].Family", read: products),
        .init(file: "broken_query_products_missing_code.json", path: "$.records[0].ProductCode", read: products),
        .init(file: "broken_query_products_bad_currency.json", path: "$.records[0].PricebookEntries.records[0].CurrencyIsoCode", read: products),
        .init(file: "broken_query_products_price_as_string.json", path: "$.records[0].PricebookEntries.records[0].UnitPrice", read: products),
        .init(file: "broken_oauth_token_missing_instance_url.json", path: "$.instance_url", read: token),
        .init(file: "broken_oauth_token_plain_http_instance.json", path: "$.instance_url", read: token),
        .init(file: "broken_cdc_order_change_unknown_status.json", path: "$.data.payload.Status", read: change),
        .init(file: "broken_cdc_not_an_order.json", path: "$.data.payload.ChangeEventHeader.entityName", read: change),
    ]

    @Test(arguments: broken)
    func brokenFixtureIsInvalidPayloadAtItsPath(_ fixture: BrokenSalesforceFixture) throws {
        let data = try Self.data("derived/\(fixture.file)")
        let error = try #require(throws: ProviderError.self) { try fixture.read(data) }
        #expect(error.code == .invalidPayload)
        #expect(error.path == fixture.path)
        #expect(error.provider == .salesforce)
    }
}
