import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// One write request as the handlers see it: its request id, its idempotency key and the time it arrived.
struct StripeCall: Sendable {
    let requestID: String
    let idempotencyKey: String?
    let now: Int64
}

enum StripeHeader {
    static let requestID = HTTPFields.Element.Name("Request-Id") ?? .contentType
    static let stripeVersion = HTTPFields.Element.Name("Stripe-Version") ?? .contentType
    static let idempotencyKey = HTTPFields.Element.Name("Idempotency-Key") ?? .contentType
    static let replayed = HTTPFields.Element.Name("Idempotent-Replayed") ?? .contentType
    static let originalRequest = HTTPFields.Element.Name("Original-Request") ?? .contentType
}

extension StripeSandbox {
    static func requestID() -> String { "req_" + String(SandboxSigning.randomSecret("").prefix(14)) }

    /// Answers a read: the handler sees the state under the lock; `expand[]` applies to its answer.
    func read(_ request: Request, _ handler: (StripeSandboxState, StripeForm) -> StripeReply) -> Response {
        let form = StripeForm(encoded: request.uri.query ?? "")
        let reply = state.withLockedValue { state in state.expand(handler(state, form), form.expand) }
        return Self.response(reply, request: request)
    }

    /// Answers a change with Stripe's idempotency (POST only: Stripe ignores the key on other methods), then sends
    /// the events it produced. Query and form body parameters are read together.
    func write(
        _ request: Request, _ handler: (inout StripeSandboxState, StripeForm, StripeCall) -> StripeReply
    ) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let form = StripeForm(encoded: request.uri.query ?? "").merged(with: StripeForm(encoded: String(buffer: body)))
        let key = request.method == .post ? request.headers[StripeHeader.idempotencyKey] : nil
        let call = StripeCall(requestID: Self.requestID(), idempotencyKey: key, now: Int64(Date().timeIntervalSince1970))
        if let key, key.utf8.count > 255 {
            return Self.response(.invalid("Idempotency-Key", "Idempotency-Key must be at most 255 characters long."), request: request)
        }
        let fingerprint = "\(request.method.rawValue) \(request.uri.path) \(form.fingerprint)"
        let (reply, original) = state.withLockedValue { state -> (StripeReply, String?) in
            if let key, let stored = state.answers[key] {
                guard stored.fingerprint == fingerprint else {
                    let message =
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                        + "Try using a key other than '\(key)' if you meant to execute a different request."
                    return (.error(400, type: "idempotency_error", message: message), nil)
                }
                state.replayedKeys.append(key)
                return (StripeReply(status: stored.status, body: stored.body), stored.requestID)
            }
            let reply = state.expand(handler(&state, form, call), form.expand)
            if let key, reply.storable {
                state.answers[key] = .init(fingerprint: fingerprint, status: reply.status, body: reply.body, requestID: call.requestID)
            }
            return (reply, nil)
        }
        var response = Self.response(reply, request: request, requestID: call.requestID)
        if let key { response.headers[StripeHeader.idempotencyKey] = key }
        if let original {
            response.headers[StripeHeader.replayed] = "true"
            response.headers[StripeHeader.originalRequest] = original
        } else {
            emit(reply.events)
        }
        return response
    }

    /// A JSON answer with Stripe's headers: `Request-Id`, and the `Stripe-Version` the request asked for (else
    /// the sandbox's).
    static func response(_ reply: StripeReply, request: Request, requestID: String = requestID()) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[StripeHeader.requestID] = requestID
        headers[StripeHeader.stripeVersion] = request.headers[StripeHeader.stripeVersion] ?? apiVersion
        if reply.status == 401 { headers[.wwwAuthenticate] = #"Basic realm="Stripe""# }
        return Response(
            status: HTTPResponse.Status(code: reply.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: StripeJSON.encode(reply.body)))
        )
    }

    /// Sends events one after the other (in the background) to the control's webhook URL, signed.
    func emit(_ events: [JSONValue]) {
        guard !events.isEmpty, control.webhookURL != nil else { return }
        let (emitter, secret) = (self.emitter, webhookSecret)
        Task {
            for event in events {
                let body = StripeJSON.encode(event)
                let signature = Self.signatureHeader(payload: body, secret: secret, timestamp: Int64(Date().timeIntervalSince1970))
                await emitter.send(
                    event: event["type"].string ?? "event",
                    body: body,
                    headers: [("Stripe-Signature", signature), ("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")]
                )
            }
        }
    }
}

/// Stripe's authentication: the secret key as a Bearer token or as the Basic user name
/// (https://docs.stripe.com/api/authentication), and a well-formed `Stripe-Version` when one is sent.
struct StripeAuthMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let apiKey: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = Self.key(request.headers[.authorization]) else {
            let message =
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                + "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). "
                + "See https://stripe.com/docs/api#authentication for details."
            return StripeSandbox.response(.error(401, message: message), request: request)
        }
        guard presented == apiKey else {
            let masked =
                String(presented.prefix(8)) + String(repeating: "*", count: max(0, presented.count - 12)) + String(presented.suffix(4))
            return StripeSandbox.response(.error(401, message: "Invalid API Key provided: \(masked)"), request: request)
        }
        if let version = request.headers[StripeHeader.stripeVersion], !Self.isVersion(version) {
            return StripeSandbox.response(.error(400, message: "Invalid Stripe API version: \(version)"), request: request)
        }
        return try await next(request, context)
    }

    /// The key of `Bearer <key>` or of `Basic base64(<key>:)`.
    static func key(_ header: String?) -> String? {
        guard let header else { return nil }
        if header.hasPrefix("Bearer ") { return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
            let text = String(data: data, encoding: .utf8)
        {
            return String(text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
        return nil
    }

    /// `YYYY-MM-DD` with an optional `.name` (`2026-07-29.dahlia`).
    static func isVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let date = parts.first, date.count == 10 else { return false }
        let digits = date.enumerated().allSatisfy { index, character in
            index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
        }
        return digits && (parts.count == 1 || parts[1].allSatisfy { $0.isASCII && $0.isLetter })
    }
}
