import Domain
import Foundation

/// The OAuth access token the adapter holds, shared by all its calls.
///
/// One token request at a time: callers that arrive while a request runs wait for it instead of starting their
/// own. The token is kept until Salesforce refuses it (`401 INVALID_SESSION_ID`; client-credentials tokens carry
/// no expiry) and the caller that saw the refusal calls ``invalidate(_:)``; only the token that was refused is
/// dropped, so a burst of refusals still leads to one new request.
actor SalesforceSession {
    struct Token: Sendable, Hashable {
        let accessToken: String
        /// The org's instance (`https://example.my.salesforce.com`): the base URL of every data call.
        let instanceURL: String
    }

    private var token: Token?
    private var pending: Task<Token, any Error>?

    /// The current token, from the cache or from `fetch` (run once for all concurrent callers).
    func token(fetch: @escaping @Sendable () async throws(ProviderError) -> Token) async throws(ProviderError) -> Token {
        if let token { return token }
        let task: Task<Token, any Error>
        if let pending {
            task = pending
        } else {
            task = Task { try await fetch() }
            pending = task
        }
        do {
            let fresh = try await task.value
            if pending == task {
                token = fresh
                pending = nil
            }
            return fresh
        } catch {
            if pending == task { pending = nil }
            throw error as? ProviderError ?? ProviderError(.unavailable, provider: .salesforce, detail: "token request failed")
        }
    }

    /// Drops `refused` if it is still the current token.
    func invalidate(_ refused: Token) {
        if token == refused { token = nil }
    }
}

extension SalesforceSession.Token {
    /// Reads a token response.
    ///
    /// The instance URL must be `https` (or `http` when the login URL is, as for a loopback sandbox), so the
    /// bearer token is never sent in the clear to a host the login server named.
    ///
    /// - Throws: `.invalidPayload` at `$.instance_url` or `$.access_token`.
    init(salesforce raw: SalesforceToken, loginURL: String) throws(ProviderError) {
        guard !raw.accessToken.isEmpty else { throw .invalidPayload(.salesforce, path: "$.access_token", "empty access token") }
        let loginIsHTTP = loginURL.lowercased().hasPrefix("http://")
        guard let url = URL(string: raw.instanceURL), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            scheme == "https" || (scheme == "http" && loginIsHTTP)
        else {
            throw .invalidPayload(.salesforce, path: "$.instance_url", "not an https URL")
        }
        var instance = raw.instanceURL
        while instance.hasSuffix("/") { instance.removeLast() }
        self.init(accessToken: raw.accessToken, instanceURL: instance)
    }
}
