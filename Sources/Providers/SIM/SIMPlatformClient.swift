import Domain
import Foundation
import NIOHTTP1

/// The SIM platform's HTTP calls: `POST /emptool/api/<area>/<operation>/` with a `json=` form field, the
/// `authKey` inside the JSON document, renewed once on `210` (fixtures/upstream/sim/README.md §1, §2).
///
/// Every request is retryable: reads change nothing, and mutations carry a `requestId` the platform
/// de-duplicates, so a repeated submit returns the first operation.
package struct SIMPlatformClient: Sendable {
    let transport: HTTPTransport
    let credentials: SIMCredentials
    let session = SIMAuthSession()

    init(transport: HTTPTransport, credentials: SIMCredentials) {
        self.transport = transport
        self.credentials = credentials
    }

    /// Calls `operation` with `fields` plus the current `authKey`, and returns the body of a successful answer.
    ///
    /// - Parameters:
    ///   - operation: `<area>/<operation>`, e.g. `master/getAcnt`.
    ///   - fields: The request's JSON members other than `authKey` (all strings, as the platform wants them).
    /// - Throws: ``ProviderError``: the transport's, or the result code's (README §5); `unauthorized` when a
    ///   renewed key is refused again.
    func call(_ operation: String, _ fields: [String: String]) async throws(ProviderError) -> Data {
        var renewed = false
        while true {
            let key = try await session.key { () async throws(ProviderError) -> SIMPlatformAuthKey in
                try await authenticate()
            }
            var document = fields
            document["authKey"] = key
            let response = try await post(operation, document)
            do throws(ProviderError) {
                try SIMPlatformPayload.checkResult(response.body, httpStatus: response.status, retryAfter: response.retryAfter)
                return response.body
            } catch  where error.upstreamCode == "210" && !renewed {
                // The key expired early or was revoked: one renewal, then the platform's answer stands.
                await session.invalidate(key)
                renewed = true
            }
        }
    }

    /// `authOem`: a new `authKey` for the OEM credentials (README §2).
    func authenticate() async throws(ProviderError) -> SIMPlatformAuthKey {
        // fixtures/upstream/sim/README.md §2 authOem
        let response = try await post("authOem", ["oemId": credentials.oemID, "oemKey": credentials.oemKey])
        try SIMPlatformPayload.checkResult(response.body, httpStatus: response.status, retryAfter: response.retryAfter)
        return try SIMPlatformPayload.authKey(response.body)
    }

    private func post(_ operation: String, _ document: [String: String]) async throws(ProviderError) -> TransportResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json: String
        do {
            json = String(decoding: try encoder.encode(document), as: UTF8.self)
        } catch {
            throw ProviderError(.rejected, provider: .sim, detail: "request document could not be encoded")
        }
        var request = TransportRequest.form(.POST, "/emptool/api/\(operation)/", fields: [("json", json)], operation: operation)
        request.retryable = true
        return try await transport.send(request)
    }
}
