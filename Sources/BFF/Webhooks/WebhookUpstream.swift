public import Domain
package import Foundation
public import HTTPTypes

/// How one upstream signs its webhooks and names its events: the per-provider half of the receivers.
///
/// - Stripe: `Stripe-Signature` (``StripeSignature``); event `id` and `type`.
/// - WHMCS, Salesforce, SIM platform, supplier: `X-<Name>-Timestamp: <unix seconds>` and
///   `X-<Name>-Signature: <hex HMAC-SHA256 of "<timestamp>.<raw body>">` (the sandboxes' scheme, see
///   `Sources/Sandbox/Kit/WebhookEmitter.swift`), with `<Name>` `WHMCS`, `Salesforce`, `SIM`, `Supplier`.
public struct WebhookUpstream: Sendable, Hashable {
    public let id: UpstreamID

    public init(_ id: UpstreamID) { self.id = id }

    /// The five receivers, in route order.
    public static let all = UpstreamID.allCases.map(WebhookUpstream.init)

    /// `Stripe-Signature`.
    public static let stripeSignature = field("Stripe-Signature")

    /// The signature header name of the HMAC upstreams' `X-<Name>-…` pair.
    var headerStem: String {
        switch id {
        case .stripe: "Stripe"
        case .whmcs: "WHMCS"
        case .salesforce: "Salesforce"
        case .sim: "SIM"
        case .supplier: "Supplier"
        }
    }

    /// `X-<Name>-Timestamp` (nil for Stripe, whose timestamp is inside its signature header).
    public var timestampHeader: HTTPField.Name? { id == .stripe ? nil : Self.field("X-\(headerStem)-Timestamp") }

    /// `Stripe-Signature` or `X-<Name>-Signature`.
    public var signatureHeader: HTTPField.Name { id == .stripe ? Self.stripeSignature : Self.field("X-\(headerStem)-Signature") }

    /// Headers stored with the event for staff (when and how it was sent); never the signature.
    var keptHeaders: [HTTPField.Name] {
        var names: [HTTPField.Name] = [.contentType, .userAgent]
        if let timestampHeader { names.append(timestampHeader) }
        if id == .whmcs { names.append(WHMCSWebhookEvent.eventHeader) }
        return names
    }

    /// Verifies the request's signature over `body` under any of `secrets`.
    ///
    /// - Throws: ``WebhookSignatureError``.
    package func verify(headers: HTTPFields, body: Data, secrets: [Secret], now: Date) throws(WebhookSignatureError) {
        let signatures = headers[values: signatureHeader]
        guard !signatures.isEmpty else { throw WebhookSignatureError(.missing, "no \(signatureHeader.canonicalName) header") }
        guard let timestampHeader else {
            guard signatures.count == 1, let header = signatures.first else {
                throw WebhookSignatureError(.malformed, "more than one Stripe-Signature header")
            }
            try StripeSignature(header: header).verify(body: body, secrets: secrets, now: now)
            return
        }
        let timestamps = headers[values: timestampHeader]
        guard timestamps.count == 1, let timestamp = timestamps.first else {
            throw WebhookSignatureError(.missing, "not exactly one \(timestampHeader.canonicalName) header")
        }
        let candidates = signatures.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        try WebhookSignature.verify(timestamp: timestamp.trimmingCharacters(in: .whitespaces), signatures: candidates, body: body, secrets: secrets, now: now)
    }

    /// The event's id and type, read from the verified body.
    ///
    /// - Throws: ``WebhookPayloadError`` for a body that is not the upstream's event JSON or has no event id.
    package func identify(body: Data, headers: HTTPFields) throws(WebhookPayloadError) -> WebhookEventIdentity {
        switch id {
        case .stripe: try StripeWebhookEvent.parse(body).identity
        case .whmcs: try WHMCSWebhookEvent.parse(body).identity(headers: headers)
        case .salesforce: try SalesforceWebhookEvent.parse(body).identity
        case .sim: try SIMWebhookEvent.parse(body).identity
        case .supplier: try SupplierWebhookEvent.parse(body).identity
        }
    }

    static func field(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("\(name) is a valid header field name") }
        return field
    }
}
