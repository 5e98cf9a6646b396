import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOHTTP1

/// The WHMCS action API: every call is `POST <base>/includes/api.php`, form-encoded, with the API credentials,
/// the `action` and `responsetype=json`.
///
/// https://developers.whmcs.com/api/getting-started/ (request format) and
/// https://developers.whmcs.com/api/authentication/ (`identifier` + `secret`).
struct WHMCSClient: Sendable {
    static let path = "/includes/api.php"

    let transport: HTTPTransport
    let credentials: WHMCSCredentials

    /// Sends `action` with `fields` and decodes the success answer as `T`.
    ///
    /// - Parameters:
    ///   - action: The API action, also the operation name in logs and sandbox fault rules.
    ///   - fields: The action's parameters (credentials and `responsetype` are added here).
    ///   - retryable: Whether the transport may send it again: reads are, and writes whose replay WHMCS refuses
    ///     harmlessly (AcceptOrder on an accepted order); AddOrder and AddCredit are not.
    /// - Throws: ``ProviderError``: the transport's errors, the WHMCS error envelope mapped by
    ///   ``WHMCSClient/error(message:status:)``, or `invalidPayload` naming the JSON path.
    func call<T: Decodable>(
        _ action: String,
        _ fields: [(String, String)],
        as type: T.Type,
        retryable: Bool
    ) async throws(ProviderError) -> T {
        let authentication = [
            ("identifier", credentials.identifier),
            ("secret", credentials.secret),
            ("action", action),
            ("responsetype", "json"),
        ]
        var request = TransportRequest.form(.POST, Self.path, fields: authentication + fields, operation: action)
        request.retryable = retryable
        let response = try await transport.send(request)
        return try Self.decode(type, status: response.status, body: response.body)
    }

    /// Reads one WHMCS answer: the error envelope first (HTTP 200 or 4xx alike), then the success shape.
    static func decode<T: Decodable>(_ type: T.Type, status: Int, body: Data) throws(ProviderError) -> T {
        let envelope: WHMCSEnvelope
        do {
            envelope = try ProviderError.decode(WHMCSEnvelope.self, from: body, provider: .whmcs)
        } catch {
            // Not a WHMCS answer at all; an error page of a proxy or a misrouted URL.
            if status == 401 || status == 403 {
                throw ProviderError(.unauthorized, provider: .whmcs, upstreamStatus: status, detail: "HTTP \(status) without a WHMCS envelope")
            }
            if (400..<500).contains(status) {
                throw ProviderError(.rejected, provider: .whmcs, upstreamStatus: status, detail: "HTTP \(status) without a WHMCS envelope")
            }
            throw error
        }
        switch envelope.result {
        case "success":
            return try ProviderError.decode(type, from: body, provider: .whmcs)
        case "error":
            throw error(message: envelope.message ?? "", status: status)
        default:
            throw .invalidPayload(.whmcs, path: "$.result", "neither success nor error")
        }
    }

    /// Classifies a WHMCS error message (WHMCS has no error codes).
    ///
    /// `Authentication Failed`, `Invalid IP …` and `Invalid or missing credentials` (and any 401/403) are
    /// `unauthorized`; messages saying something was `Not Found` are `notFound`; everything else is `rejected`.
    /// The message becomes `upstreamCode`: WHMCS messages name the rule, not customer data.
    static func error(message: String, status: Int) -> ProviderError {
        let folded = message.lowercased()
        let code: ProviderError.Code
        if folded.contains("authentication failed") || folded.hasPrefix("invalid ip") || folded.contains("missing credentials")
            || folded.contains("access denied") || status == 401 || status == 403
        {
            code = .unauthorized
        } else if folded.contains("not found") {
            code = .notFound
        } else {
            code = .rejected
        }
        let upstreamCode = message.isEmpty ? nil : String(message.prefix(120))
        return ProviderError(code, provider: .whmcs, upstreamStatus: status, upstreamCode: upstreamCode, detail: "WHMCS answered result=error")
    }
}
