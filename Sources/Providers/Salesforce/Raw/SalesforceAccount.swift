import Foundation

/// An `Account` record as `GET /sobjects/Account/{id}` or a SOQL query returns it (only the fields Atrium reads).
///
/// `PersonEmail` is the e-mail field Atrium reads: the standard field of person accounts, which is how a B2C
/// org stores one customer per account.
struct SalesforceAccount: Decodable, Sendable {
    let attributes: SalesforceAttributes?
    /// Absent when the query did not select it; the id is then read from `attributes.url`.
    let id: String?
    let name: String
    let personEmail: String?
    let phone: String?
    let type: String?
    let industry: String?
    let website: String?
    let billingStreet: String?
    let billingCity: String?
    let billingState: String?
    let billingPostalCode: String?
    let billingCountry: String?
    /// Only in orgs with state and country picklists.
    let billingCountryCode: String?

    enum CodingKeys: String, CodingKey {
        case attributes
        case id = "Id"
        case name = "Name"
        case personEmail = "PersonEmail"
        case phone = "Phone"
        case type = "Type"
        case industry = "Industry"
        case website = "Website"
        case billingStreet = "BillingStreet"
        case billingCity = "BillingCity"
        case billingState = "BillingState"
        case billingPostalCode = "BillingPostalCode"
        case billingCountry = "BillingCountry"
        case billingCountryCode = "BillingCountryCode"
    }
}
