import Foundation

/// The OAuth 2.0 token endpoint's answer (client-credentials flow).
// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
struct SalesforceToken: Decodable, Sendable {
    let accessToken: String
    /// Where the org's data API lives; every data call goes there, not to the login URL.
    let instanceURL: String
    let id: String?
    let tokenType: String?
    /// Milliseconds since the epoch, as a string.
    let issuedAt: String?
    let signature: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case instanceURL = "instance_url"
        case id
        case tokenType = "token_type"
        case issuedAt = "issued_at"
        case signature
    }
}
