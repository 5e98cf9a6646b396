import Domain
import Foundation

extension ProviderError {
    /// Maps a data API answer that is not 2xx, from its error array `[{"message", "errorCode", "fields"}]`.
    ///
    /// The error code decides first (`NOT_FOUND` → notFound, `INVALID_SESSION_ID` → unauthorized,
    /// `REQUEST_LIMIT_EXCEEDED` → rateLimited, `DUPLICATE_VALUE` → conflict, `MALFORMED_ID`/`INVALID_FIELD`/… →
    /// rejected), the HTTP status when the body has none. The detail names the code and fields, never the
    /// message (Salesforce messages quote the values they refused).
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    static func salesforce(status: Int, body: Data) -> ProviderError {
        let first = (try? JSONDecoder().decode([SalesforceAPIError].self, from: body))?.first
        let code = salesforceCode(errorCode: first?.errorCode, status: status)
        var detail = "HTTP \(status)"
        if let first {
            detail += " \(first.errorCode)"
            if let fields = first.fields, !fields.isEmpty { detail += " on " + fields.joined(separator: ", ") }
        }
        return ProviderError(code, provider: .salesforce, upstreamStatus: status, upstreamCode: first?.errorCode, detail: detail)
    }

    static func salesforceCode(errorCode: String?, status: Int) -> Code {
        switch errorCode {
        case "INVALID_SESSION_ID", "INVALID_AUTH_HEADER", "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY",
            "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED":
            return .unauthorized
        case "NOT_FOUND", "INVALID_CROSS_REFERENCE_KEY", "ENTITY_IS_DELETED":
            return .notFound
        case "REQUEST_LIMIT_EXCEEDED":
            return .rateLimited
        case "DUPLICATE_VALUE", "DUPLICATE_EXTERNAL_ID", "ENTITY_IS_LOCKED", "UNABLE_TO_LOCK_ROW":
            return .conflict
        case "SERVER_UNAVAILABLE":
            return .unavailable
        default:
            switch status {
            case 401, 403: return .unauthorized
            case 404: return .notFound
            case 300, 409: return .conflict
            default: return .rejected
            }
        }
    }

    /// Maps a token endpoint answer that is not 2xx (`{"error": "invalid_client", "error_description": …}`):
    /// refused credentials are unauthorized, anything else rejected.
    // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
    static func salesforceOAuth(status: Int, body: Data) -> ProviderError {
        let error = (try? JSONDecoder().decode(SalesforceOAuthError.self, from: body))?.error
        let refused: Set<String> = [
            "invalid_client", "invalid_client_id", "invalid_client_credentials", "invalid_grant", "unauthorized_client",
            "inactive_user", "inactive_org",
        ]
        let code: Code = if let error { refused.contains(error) ? .unauthorized : .rejected } else { status == 401 ? .unauthorized : .rejected }
        return ProviderError(
            code,
            provider: .salesforce,
            upstreamStatus: status,
            upstreamCode: error,
            detail: "token request refused: HTTP \(status) \(error ?? "without an OAuth error")"
        )
    }
}
