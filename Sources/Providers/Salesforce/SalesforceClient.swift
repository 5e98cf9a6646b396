import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOHTTP1

/// The adapter's HTTP calls: the token request to the login URL, and data calls (REST API, pinned version) to
/// the instance URL the token response names, with the bearer token.
///
/// Two transports: one for the login URL (``TransportConfiguration/baseURL``) and one per instance URL, made
/// when a token first names it (an org's instance rarely changes; each keeps its own circuit breaker). A data
/// call refused with `401 INVALID_SESSION_ID` gets a new token and is sent once more.
final class SalesforceClient: Sendable {
    /// The REST API version every data call uses.
    static let apiVersion = "v60.0"
    static let dataPath = "/services/data/\(apiVersion)"

    let configuration: TransportConfiguration
    private let credentials: SalesforceCredentials
    private let login: HTTPTransport
    private let httpClient: HTTPClient
    private let logger: Logger
    private let observer: (any TransportObserver)?
    private let session = SalesforceSession()
    private let instances = NIOLockedValueBox<[String: HTTPTransport]>([:])
    private let decoder = JSONDecoder()

    init(
        configuration: TransportConfiguration,
        credentials: SalesforceCredentials,
        httpClient: HTTPClient,
        logger: Logger,
        observer: (any TransportObserver)? = nil
    ) {
        self.configuration = configuration
        self.credentials = credentials
        self.httpClient = httpClient
        self.logger = logger
        self.observer = observer
        self.login = HTTPTransport(
            provider: .salesforce, configuration: configuration, httpClient: httpClient, logger: logger, observer: observer
        )
    }

    // MARK: Token

    /// Asks the token endpoint for an access token (OAuth 2.0 client-credentials flow).
    // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
    private func requestToken() async throws(ProviderError) -> SalesforceSession.Token {
        var request = TransportRequest.form(
            .POST,
            "/services/oauth2/token",
            fields: [
                ("grant_type", "client_credentials"), ("client_id", credentials.clientID),
                ("client_secret", credentials.clientSecret),
            ],
            headers: [("Accept", "application/json")],
            operation: "oauth2.token"
        )
        // Asking for a token changes nothing upstream, so a lost answer may be asked again.
        request.retryable = true
        let response = try await login.send(request)
        guard response.isSuccess else { throw ProviderError.salesforceOAuth(status: response.status, body: response.body) }
        let raw = try ProviderError.decode(SalesforceToken.self, from: response.body, provider: .salesforce, decoder: decoder)
        return try SalesforceSession.Token(salesforce: raw, loginURL: configuration.baseURL)
    }

    private func currentToken() async throws(ProviderError) -> SalesforceSession.Token {
        try await session.token { () async throws(ProviderError) -> SalesforceSession.Token in
            try await self.requestToken()
        }
    }

    private func transport(for instanceURL: String) -> HTTPTransport {
        instances.withLockedValue { instances in
            if let existing = instances[instanceURL] { return existing }
            var configuration = self.configuration
            configuration.baseURL = instanceURL
            let transport = HTTPTransport(
                provider: .salesforce, configuration: configuration, httpClient: httpClient, logger: logger, observer: observer
            )
            instances[instanceURL] = transport
            return transport
        }
    }

    // MARK: Data calls

    /// Sends a data call with the bearer token; on `401` gets a new token and sends it once more.
    ///
    /// - Returns: The final response, whatever its status (the caller maps errors).
    func send(_ request: TransportRequest) async throws(ProviderError) -> TransportResponse {
        let token = try await currentToken()
        let response = try await transport(for: token.instanceURL).send(Self.authorized(request, token))
        guard response.status == 401 else { return response }
        await session.invalidate(token)
        let fresh = try await currentToken()
        return try await transport(for: fresh.instanceURL).send(Self.authorized(request, fresh))
    }

    private static func authorized(_ request: TransportRequest, _ token: SalesforceSession.Token) -> TransportRequest {
        var request = request
        request.headers += [("Authorization", "Bearer \(token.accessToken)"), ("Accept", "application/json")]
        return request
    }

    /// Sends `request` and decodes a 2xx body as `T`; any other status is mapped from its error array.
    func decoded<T: Decodable>(_ type: T.Type, _ request: TransportRequest) async throws(ProviderError) -> T {
        let response = try await send(request)
        guard response.isSuccess else { throw ProviderError.salesforce(status: response.status, body: response.body) }
        return try ProviderError.decode(type, from: response.body, provider: .salesforce, decoder: decoder)
    }

    /// One record by id, with only `fields`.
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_get_field_values.htm
    func record<T: Decodable>(_ type: T.Type, object: String, id: String, fields: [String]) async throws(ProviderError) -> T {
        let request = TransportRequest(
            .GET,
            "\(Self.dataPath)/sobjects/\(object)/\(id)",
            query: [("fields", fields.joined(separator: ","))],
            operation: "\(object).get"
        )
        return try await decoded(type, request)
    }

    /// One record by an external id field, or `nil` when none has that value.
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
    func record<T: Decodable>(
        _ type: T.Type, object: String, externalIDField: String, value: String, fields: [String]
    ) async throws(ProviderError) -> T? {
        let request = TransportRequest(
            .GET,
            "\(Self.dataPath)/sobjects/\(object)/\(externalIDField)/\(value)",
            query: [("fields", fields.joined(separator: ","))],
            operation: "\(object).getByExternalID"
        )
        do {
            return try await decoded(type, request)
        } catch where error.code == .notFound {
            return nil
        }
    }

    /// The first batch of a SOQL query, at most about `batchSize` records (Salesforce treats it as a hint).
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
    func query<Record: Decodable & Sendable>(
        _ type: Record.Type, _ soql: String, object: String, batchSize: Int? = nil
    ) async throws(ProviderError) -> SalesforceQueryResult<Record> {
        var headers: [(String, String)] = []
        // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
        if let batchSize { headers.append(("Sforce-Query-Options", "batchSize=\(batchSize)")) }
        let request = TransportRequest(.GET, "\(Self.dataPath)/query", query: [("q", soql)], headers: headers, operation: "\(object).query")
        return try await decoded(SalesforceQueryResult<Record>.self, request)
    }

    /// The batch at `locator`, a `nextRecordsUrl` of an earlier batch.
    ///
    /// - Throws: `.rejected` without calling Salesforce when `locator` is not a query locator of this API version.
    func queryMore<Record: Decodable & Sendable>(
        _ type: Record.Type, locator: String, object: String
    ) async throws(ProviderError) -> SalesforceQueryResult<Record> {
        guard Self.isQueryLocator(locator) else {
            throw ProviderError(.rejected, provider: .salesforce, detail: "cursor is not a Salesforce query locator")
        }
        return try await decoded(SalesforceQueryResult<Record>.self, TransportRequest(.GET, locator, operation: "\(object).queryMore"))
    }

    static func isQueryLocator(_ text: String) -> Bool {
        let prefix = "\(dataPath)/query/"
        guard text.hasPrefix(prefix), text.utf8.count <= 200 else { return false }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        return !rest.isEmpty && rest.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D
        }
    }

    /// Creates a record.
    ///
    /// - Parameter retryable: Whether the body carries a unique external id, so a repeated create fails with
    ///   `DUPLICATE_VALUE` instead of creating twice.
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
    func create(object: String, body: some Encodable & Sendable, retryable: Bool = false) async throws(ProviderError) -> SalesforceSaveResult {
        var request = try Self.json(.POST, "\(Self.dataPath)/sobjects/\(object)", body: body, operation: "\(object).create")
        request.retryable = retryable
        return try await decoded(SalesforceSaveResult.self, request)
    }

    /// Updates fields of a record (`204 No Content`). Setting the same values twice is harmless, so it is retried.
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
    func update(object: String, id: String, body: some Encodable & Sendable) async throws(ProviderError) {
        var request = try Self.json(.PATCH, "\(Self.dataPath)/sobjects/\(object)/\(id)", body: body, operation: "\(object).update")
        request.retryable = true
        let response = try await send(request)
        guard response.isSuccess else { throw ProviderError.salesforce(status: response.status, body: response.body) }
    }

    /// Inserts or updates the record whose `externalIDField` is `value` (`201` created, `200` updated).
    /// Keyed by the external id, so it is retried.
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
    func upsert(
        object: String, externalIDField: String, value: String, body: some Encodable & Sendable
    ) async throws(ProviderError) -> SalesforceSaveResult {
        var request = try Self.json(
            .PATCH, "\(Self.dataPath)/sobjects/\(object)/\(externalIDField)/\(value)", body: body, operation: "\(object).upsert"
        )
        request.retryable = true
        return try await decoded(SalesforceSaveResult.self, request)
    }

    private static func json(
        _ method: HTTPMethod, _ path: String, body: some Encodable & Sendable, operation: String
    ) throws(ProviderError) -> TransportRequest {
        do {
            return try TransportRequest.json(method, path, body: body, operation: operation)
        } catch {
            throw ProviderError(.rejected, provider: .salesforce, detail: "\(operation): body not encodable")
        }
    }
}
