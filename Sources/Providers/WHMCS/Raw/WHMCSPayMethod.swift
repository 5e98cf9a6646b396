/// `GetPayMethods`: the client's stored pay methods (cards and bank accounts), masked by WHMCS.
///
/// https://developers.whmcs.com/api-reference/getpaymethods/
struct WHMCSPayMethodsResponse: Decodable, Sendable {
    let clientid: WHMCSText?
    let paymethods: WHMCSArray<WHMCSPayMethod>
}

/// One stored pay method. `remote_token` is deliberately not decoded: it never leaves the adapter.
struct WHMCSPayMethod: Decodable, Sendable {
    let id: WHMCSText
    let type: WHMCSPayMethodType
    let description: String?
    let gatewayName: String?
    let cardLastFour: String?
    /// `MM/YY`, or `""`.
    let expiryDate: String?
    let cardType: String?
    let bankName: String?

    enum CodingKeys: String, CodingKey {
        case id, type, description
        case gatewayName = "gateway_name"
        case cardLastFour = "card_last_four"
        case expiryDate = "expiry_date"
        case cardType = "card_type"
        case bankName = "bank_name"
    }
}

enum WHMCSPayMethodType: String, Decodable, Sendable {
    case creditCard = "CreditCard"
    case remoteCreditCard = "RemoteCreditCard"
    case bankAccount = "BankAccount"
    case remoteBankAccount = "RemoteBankAccount"
}

/// `GetPaymentMethods`: the payment gateways the installation has active (`paypal`, `stripe`, `mailin`), which
/// AddOrder's `paymentmethod` must name.
///
/// https://developers.whmcs.com/api-reference/getpaymentmethods/
struct WHMCSPaymentMethodsResponse: Decodable, Sendable {
    let paymentmethods: WHMCSList<WHMCSPaymentMethodListName, WHMCSPaymentGateway>
}

struct WHMCSPaymentGateway: Decodable, Sendable {
    let module: String
    let displayname: String
}
