import HTTPTypes
import Hummingbird

extension Problem.Kind {
    /// 401: the signature header is missing or malformed, or no configured secret produces it over the raw body.
    public static let webhookSignatureInvalid = Problem.Kind("webhook-signature-invalid", title: "Webhook Signature Invalid")
    /// 401: the signed timestamp is more than the tolerance (300 s) away from now, in either direction (a replay,
    /// or a clock far off).
    public static let webhookTimestampOutOfTolerance = Problem.Kind(
        "webhook-timestamp-out-of-tolerance",
        title: "Webhook Timestamp Out Of Tolerance"
    )
    /// 400: the body verified but is not JSON of the upstream's event shape, or it lacks its event id.
    public static let webhookPayloadInvalid = Problem.Kind("webhook-payload-invalid", title: "Webhook Payload Invalid")
    /// 503: no signing secret is configured for this upstream, so nothing it sends can be verified.
    public static let webhookNotConfigured = Problem.Kind("webhook-not-configured", title: "Webhook Receiver Not Configured")
}

/// The problems the webhook receivers answer with. Upstreams retry 5xx answers and drop 4xx ones, so only what
/// a retry cannot fix is a 4xx.
enum WebhookProblems {
    static func signature(_ error: WebhookSignatureError) -> Problem {
        if error.code == .timestampOutOfTolerance {
            return Problem(
                .webhookTimestampOutOfTolerance,
                status: .unauthorized,
                detail: "The webhook's signed timestamp is outside the accepted tolerance."
            )
        }
        return Problem(.webhookSignatureInvalid, status: .unauthorized, detail: "The webhook signature is missing or does not verify.")
    }

    static func payload(_ error: WebhookPayloadError) -> Problem {
        Problem(.webhookPayloadInvalid, status: .badRequest, detail: error.description)
    }

    static func notConfigured() -> Problem {
        Problem(.webhookNotConfigured, status: .serviceUnavailable, detail: "This webhook receiver has no signing secret configured.")
    }

    /// The event was not stored (or its processing not queued): the upstream must send it again.
    static func unavailable() -> Problem {
        Problem(
            .serviceUnavailable,
            status: .serviceUnavailable,
            detail: "The webhook could not be stored; retry later.",
            headers: [.retryAfter: "5"]
        )
    }

    static func unsupportedMediaType() -> Problem {
        Problem(.unsupportedMediaType, status: .unsupportedMediaType, detail: "Webhook bodies must be application/json.")
    }
}
