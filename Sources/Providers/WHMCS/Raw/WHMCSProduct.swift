/// `GetProducts`: the product configuration (pay type, prices per currency and cycle).
///
/// https://developers.whmcs.com/api-reference/getproducts/
struct WHMCSProductsResponse: Decodable, Sendable {
    let products: WHMCSList<WHMCSProductListName, WHMCSProduct>
}

struct WHMCSProduct: Decodable, Sendable {
    let pid: WHMCSText
    let gid: WHMCSText?
    let type: String?
    let name: String
    let slug: String?
    let description: String?
    let paytype: WHMCSPayType
    /// Prices by currency code; `""` or `[]` when the product has none.
    let pricing: WHMCSPricingTable
}

enum WHMCSPayType: String, Decodable, Sendable {
    case free
    case onetime
    case recurring
}

/// `pricing` keyed by currency code; WHMCS sends `[]` or `""` when empty.
struct WHMCSPricingTable: Decodable, Sendable {
    let currencies: [String: WHMCSPricing]

    init(from decoder: any Decoder) throws {
        if try WHMCSArray<WHMCSPricing>.emptyOrArray(decoder)?.isEmpty == true {
            currencies = [:]
            return
        }
        currencies = try decoder.singleValueContainer().decode([String: WHMCSPricing].self)
    }
}

/// The prices of one currency; `-1.00` marks a cycle the product is not sold on. A one-time product's price is
/// in `monthly` (and its setup fee in `msetupfee`).
struct WHMCSPricing: Decodable, Sendable {
    let msetupfee: WHMCSDecimal?
    let qsetupfee: WHMCSDecimal?
    let ssetupfee: WHMCSDecimal?
    let asetupfee: WHMCSDecimal?
    let bsetupfee: WHMCSDecimal?
    let tsetupfee: WHMCSDecimal?
    let monthly: WHMCSDecimal?
    let quarterly: WHMCSDecimal?
    let semiannually: WHMCSDecimal?
    let annually: WHMCSDecimal?
    let biennially: WHMCSDecimal?
    let triennially: WHMCSDecimal?

    /// The price and setup fee of `cycle`, `nil` when the cycle is not offered (`-1.00` or absent).
    func price(_ cycle: WHMCSBillingCycle) -> (price: WHMCSDecimal, setupFee: WHMCSDecimal?)? {
        let pair: (WHMCSDecimal?, WHMCSDecimal?)
        switch cycle {
        case .monthly, .onetime: pair = (monthly, msetupfee)
        case .quarterly: pair = (quarterly, qsetupfee)
        case .semiannually: pair = (semiannually, ssetupfee)
        case .annually: pair = (annually, asetupfee)
        case .biennially: pair = (biennially, bsetupfee)
        case .triennially: pair = (triennially, tsetupfee)
        case .free: return nil
        }
        guard let price = pair.0, !price.text.hasPrefix("-") else { return nil }
        return (price, pair.1)
    }
}
