public import AsyncHTTPClient
import Crypto
public import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

/// Sends a sandbox's signed webhooks to the receiver configured in its ``SandboxControl``.
///
/// Delivery is fire-and-forget from the state change's point of view (a real upstream does not wait for the
/// receiver either) and every attempt is recorded in ``SandboxControl/deliveries``.
public struct WebhookEmitter: Sendable {
    public let control: SandboxControl
    public let client: HTTPClient

    public init(control: SandboxControl, client: HTTPClient = .shared) {
        self.control = control
        self.client = client
    }

    /// Posts `body` with `headers` (the signature among them) when a receiver is configured.
    ///
    /// - Returns: the receiver's status; `nil` when no receiver is configured or it could not be reached.
    @discardableResult
    public func send(event: String, body: Data, headers: [(String, String)]) async -> Int? {
        guard let url = control.webhookURL else { return nil }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(data: body))
        var status: Int?
        if let response = try? await client.execute(request, timeout: .seconds(5)) {
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 1 << 16)
        }
        control.recordDelivery(WebhookDelivery(event: event, url: url, status: status, at: Date()))
        return status
    }

    /// Sends in the background (a state change must not wait for the receiver).
    public func sendDetached(event: String, body: Data, headers: [(String, String)]) {
        let emitter = self
        Task { await emitter.send(event: event, body: body, headers: headers) }
    }
}

/// HMAC helpers for the upstreams' webhook signatures.
public enum SandboxSigning {
    /// Lower-case hex HMAC-SHA256 of `message` under `secret`.
    public static func hmacSHA256Hex(secret: String, message: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The scheme the WHMCS, Salesforce, SIM and supplier sandboxes sign webhooks with (and Stripe's `v1`):
    /// lower-case hex HMAC-SHA256 of `"<timestamp>.<raw body>"`.
    public static func timestamped(secret: String, timestamp: Int64, body: Data) -> String {
        hmacSHA256Hex(secret: secret, message: Data("\(timestamp).".utf8) + body)
    }

    /// A random secret with `prefix` (`sk_test_`, `whsec_`): 32 lower-case hex digits after it.
    public static func randomSecret(_ prefix: String) -> String {
        prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Base64 HMAC-SHA256, as some upstreams send it.
    public static func hmacSHA256Base64(secret: String, message: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }
}
