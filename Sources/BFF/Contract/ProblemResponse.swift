/// The error responses of the API, one per HTTP status, each declared once under `components/responses` as
/// `application/problem+json` with the ``Problem`` body.
///
/// Each lists the problem `type`s the server sends with that status (the stable URNs clients switch on), taken
/// from the `Problem.Kind`s the route areas define, so a renamed kind shows here.
package enum ProblemResponse: String, Sendable, CaseIterable {
    case badRequest = "BadRequest"
    case unauthorized = "Unauthorized"
    case forbidden = "Forbidden"
    case notFound = "NotFound"
    case conflict = "Conflict"
    case payloadTooLarge = "PayloadTooLarge"
    case unsupportedMediaType = "UnsupportedMediaType"
    case unprocessable = "UnprocessableContent"
    case tooManyRequests = "TooManyRequests"
    case internalError = "InternalError"
    case serviceUnavailable = "ServiceUnavailable"

    package var status: Int {
        switch self {
        case .badRequest: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .unprocessable: 422
        case .tooManyRequests: 429
        case .internalError: 500
        case .serviceUnavailable: 503
        }
    }

    /// The kinds sent with this status, the most common first (it is the example).
    package var kinds: [Problem.Kind] {
        switch self {
        case .badRequest: [.validation, .badRequest, .invalidIdempotencyKey, .webhookPayloadInvalid]
        case .unauthorized: [.unauthorized, .mfaRequired, .webhookSignatureInvalid, .webhookTimestampOutOfTolerance]
        case .forbidden: [.forbidden, .csrf]
        case .notFound: [.notFound]
        case .conflict: [.conflict, .idempotencyKeyInUse, .accountNotLinked, .orderNotRetryable]
        case .payloadTooLarge: [.payloadTooLarge]
        case .unsupportedMediaType: [.unsupportedMediaType]
        case .unprocessable: [.idempotencyKeyMismatch, .orderItemUnavailable]
        case .tooManyRequests: [.tooManyRequests]
        case .internalError: [.internalError]
        case .serviceUnavailable: [.upstreamUnavailable, .serviceUnavailable, .webhookNotConfigured]
        }
    }

    package var summary: String {
        switch self {
        case .badRequest:
            "The request is malformed or invalid (`validation`): a body that is not JSON of the expected shape, a field, parameter or cursor that breaks a rule (`detail` names it; auth: a too-short or common password, an invalid email or code), or a malformed `Idempotency-Key`."
        case .unauthorized:
            "No valid credentials: the access or refresh token is missing, invalid, expired or revoked, or the login failed (one answer for unknown email, wrong password and locked account). `mfa-required`: send the TOTP code as `otp`."
        case .forbidden:
            "The credentials are valid but do not allow this: a staff token on a portal route, a customer token on an admin route, a staff role the admin route does not allow, a wrong current password, or a cookie-authenticated request without a matching `X-CSRF-Token` (`csrf`)."
        case .notFound:
            "No such resource. Another customer's object answers the same as a missing one."
        case .conflict:
            "The request conflicts with the current state (the email is taken, MFA is already on, the line is already on that plan, the order cannot be approved from its status), a request with the same `Idempotency-Key` is still in flight (`idempotency-key-in-use`, retry after `Retry-After`), or the account lacks a link an order needs (`account-not-linked`), or a staff retry finds nothing to retry (`order-not-retryable`)."
        case .payloadTooLarge:
            "The request body is larger than the limit (1 MiB by default)."
        case .unsupportedMediaType:
            "The request has a body that is not `application/json`."
        case .unprocessable:
            "An `Idempotency-Key` was reused with a different request (`idempotency-key-mismatch`), or an ordered item is unknown, retired, out of stock or has no price in the order's currency (`order-item-unavailable`, `detail` names the item)."
        case .tooManyRequests:
            "Rate limited (token bucket per client IP and per user). Retry after `Retry-After` seconds."
        case .internalError:
            "An unexpected error. The body carries no internal detail; quote `request_id` when reporting it."
        case .serviceUnavailable:
            "An upstream system (billing, CRM, SIM platform) or a backing store is unavailable and no cached copy can be served; retry later."
        }
    }

    /// The summary and the list of `type`s, as the response's description.
    package var description: String {
        summary + " Problem types: " + kinds.map { "`\($0.type)`" }.joined(separator: ", ") + "."
    }

    /// Headers this error carries besides `X-Request-ID`.
    package var headers: [APIResponse.SharedHeader] {
        switch self {
        case .tooManyRequests: [.retryAfter, .rateLimit, .rateLimitPolicy]
        case .serviceUnavailable, .conflict: [.retryAfter]
        case .unauthorized: [.wwwAuthenticate, .setCookie]
        default: []
        }
    }
}
