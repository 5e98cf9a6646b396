public import HTTPTypes
public import Hummingbird

/// The problems the portal (and later the admin) routes build, over the shared ``Problem/Kind``s.
public enum PortalProblems {
    /// The one answer for a missing object, an object of another customer and an id that cannot exist, so the
    /// three are indistinguishable.
    public static func notFound() -> Problem {
        Problem(.notFound, status: .notFound, detail: "The requested resource does not exist.")
    }

    /// A 400 naming the field and the rule it broke (never echoing the value).
    public static func validation(field: String, _ message: String) -> Problem {
        Problem(.validation, status: .badRequest, detail: "\(field): \(message)")
    }

    public static func conflict(_ detail: String) -> Problem {
        Problem(.conflict, status: .conflict, detail: detail)
    }

    /// A 503 with `Retry-After` (whole seconds, rounded up) when the wait is known.
    public static func upstreamUnavailable(_ detail: String, retryAfter: Duration? = nil) -> Problem {
        var headers: HTTPFields = [:]
        if let retryAfter {
            let seconds = max(1, retryAfter.components.seconds + (retryAfter.components.attoseconds > 0 ? 1 : 0))
            headers[.retryAfter] = String(seconds)
        }
        return Problem(.upstreamUnavailable, status: .serviceUnavailable, detail: detail, headers: headers)
    }
}
