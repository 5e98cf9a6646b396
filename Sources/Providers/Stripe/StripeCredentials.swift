/// What Atrium authenticates to Stripe with: a secret (`sk_…`) or restricted (`rk_…`) API key, sent as
/// `Authorization: Bearer <key>` (https://docs.stripe.com/api/authentication).
public struct StripeCredentials: Sendable, CustomStringConvertible {
    public var apiKey: String

    public init(apiKey: String) {
        self.apiKey = apiKey
    }

    /// Never shows the key.
    public var description: String { "StripeCredentials(apiKey: [redacted])" }
}
