/// `GetClientsDetails`: the client record (the `stats` block is not requested).
///
/// https://developers.whmcs.com/api-reference/getclientsdetails/
struct WHMCSClientDetailsResponse: Decodable, Sendable {
    let client: WHMCSClientDetails
}

/// A WHMCS client as `GetClientsDetails` returns it under `client`.
struct WHMCSClientDetails: Decodable, Sendable {
    let id: WHMCSText
    let firstname: String?
    let lastname: String?
    let fullname: String?
    let companyname: String?
    let email: String
    let address1: String?
    let address2: String?
    let city: String?
    let state: String?
    let postcode: String?
    let countrycode: String?
    let phonenumber: String?
    let phonenumberformatted: String?
    /// The client's currency (ISO code); invoices and services of the client are in it.
    let currencyCode: String
    /// Credit on the account, a positive decimal.
    let credit: WHMCSDecimal?
    /// The gateway module new orders default to (`""` when none is set).
    let defaultgateway: String?
    let status: String?
    let datecreated: WHMCSDate?

    enum CodingKeys: String, CodingKey {
        case id, firstname, lastname, fullname, companyname, email, address1, address2, city, state, postcode, countrycode
        case phonenumber, phonenumberformatted, credit, defaultgateway, status, datecreated
        case currencyCode = "currency_code"
    }
}
