import Foundation

/// A `Product2` record with its active price book entries (a child sub-query, `null` when there are none).
struct SalesforceProduct: Decodable, Sendable {
    let id: String
    let name: String
    /// The SKU; a product without one cannot be sold through Atrium.
    let productCode: String?
    let description: String?
    let family: String?
    let isActive: Bool
    let pricebookEntries: SalesforceQueryResult<SalesforcePricebookEntry>?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case productCode = "ProductCode"
        case description = "Description"
        case family = "Family"
        case isActive = "IsActive"
        case pricebookEntries = "PricebookEntries"
    }
}

/// A `PricebookEntry`: one product's price in one price book and currency.
struct SalesforcePricebookEntry: Decodable, Sendable {
    let id: String
    let pricebook2ID: String?
    /// `Product2.ProductCode` when the entry is queried on its own (order creation).
    let product2: ProductReference?
    /// A JSON number, read as `Decimal` (exact digits, never a `Double`).
    let unitPrice: Decimal
    let currencyISOCode: String?
    let isActive: Bool?

    struct ProductReference: Decodable, Sendable {
        let productCode: String?

        enum CodingKeys: String, CodingKey {
            case productCode = "ProductCode"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case pricebook2ID = "Pricebook2Id"
        case product2 = "Product2"
        case unitPrice = "UnitPrice"
        case currencyISOCode = "CurrencyIsoCode"
        case isActive = "IsActive"
    }
}
