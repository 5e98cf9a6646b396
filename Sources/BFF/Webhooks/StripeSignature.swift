public import Foundation

/// Stripe's `Stripe-Signature` header: `t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]`.
///
/// Stripe signs `"<t>.<raw body>"` with HMAC-SHA256 under the endpoint's `whsec_` secret and sends one `v1` per
/// active secret while the endpoint's secret is being rolled; any one matching verifies the event. Other schemes
/// (`v0`, test-mode extras) are ignored, as Stripe's libraries do.
// https://docs.stripe.com/webhooks#verify-manually
public struct StripeSignature: Sendable, Hashable {
    /// The `t` value as sent (it is part of the signed message, byte for byte).
    public let timestamp: String
    /// Every `v1` value, in header order.
    public let signatures: [String]

    /// Parses the header.
    ///
    /// - Throws: ``WebhookSignatureError/Code/malformed`` when there is no `t` (or more than one) or no `v1`.
    public init(header: String) throws(WebhookSignatureError) {
        var timestamps: [String] = []
        var signatures: [String] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces)
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "t": timestamps.append(value)
            case "v1": signatures.append(value)
            default: continue
            }
        }
        guard timestamps.count == 1, let timestamp = timestamps.first else {
            throw WebhookSignatureError(.malformed, "Stripe-Signature does not have exactly one t")
        }
        guard !signatures.isEmpty else { throw WebhookSignatureError(.malformed, "Stripe-Signature has no v1 signature") }
        self.timestamp = timestamp
        self.signatures = signatures
    }

    /// Verifies the header against `body` under any of `secrets` (see ``WebhookSignature/verify``).
    public func verify(body: Data, secrets: [Secret], now: Date, tolerance: TimeInterval = WebhookSignature.defaultTolerance)
        throws(WebhookSignatureError)
    {
        try WebhookSignature.verify(timestamp: timestamp, signatures: signatures, body: body, secrets: secrets, now: now, tolerance: tolerance)
    }

    /// The header Stripe sends for `body` at `timestamp` under `secrets` (one `v1` each), for tests and tools.
    public static func header(body: Data, timestamp: Int64, secrets: [String]) -> String {
        (["t=\(timestamp)"] + secrets.map { "v1=" + WebhookSignature.sign(body: body, timestamp: timestamp, secret: $0) })
            .joined(separator: ",")
    }
}
