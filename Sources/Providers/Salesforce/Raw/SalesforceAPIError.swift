import Foundation

/// One element of the REST API's error array: `[{"message", "errorCode", "fields"?}]`.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
struct SalesforceAPIError: Decodable, Sendable {
    let message: String?
    let errorCode: String
    let fields: [String]?
}

/// The OAuth token endpoint's error: `{"error": "invalid_client", "error_description": "…"}`.
struct SalesforceOAuthError: Decodable, Sendable {
    let error: String
    let errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }
}

/// The answer to a create or an upsert: `{"id", "success", "errors": [], "created"?}`.
struct SalesforceSaveResult: Decodable, Sendable {
    let id: String
    let success: Bool
    /// Upsert only: whether a record was inserted (`false` when the external id matched one).
    let created: Bool?
}
