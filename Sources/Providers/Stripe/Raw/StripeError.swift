/// Stripe's error body: `{"error": {"type", "code", "message", "param", "decline_code", …}}`.
///
/// See https://docs.stripe.com/api/errors. `message` is meant for people and may quote ids or parameters, so it
/// is never logged; `type`, `code`, `decline_code` and `param` are.
package struct StripeErrorBody: Codable, Sendable {
    package struct Detail: Codable, Sendable {
        /// `api_error`, `card_error`, `idempotency_error`, `invalid_request_error`.
        package var type: String
        package var code: String?
        package var declineCode: String?
        package var message: String?
        package var param: String?

        enum CodingKeys: String, CodingKey {
            case type, code, message, param
            case declineCode = "decline_code"
        }
    }

    package var error: Detail
}
