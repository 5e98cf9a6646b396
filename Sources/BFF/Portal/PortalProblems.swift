public import HTTPTypes
public import Hummingbird

/// The problems the portal (and later the admin) routes answer besides those of ``Problem/Kind``.
///
/// Kept in one namespace rather than as `Problem.Kind` statics so that another area defining a kind with the same
/// slug cannot clash with these at compile time; the `type` URNs are what clients rely on, and they are the
/// issue's stable ones: `urn:atrium:problem:validation`, `…:conflict`, `…:upstream-unavailable`, `…:not-found`.
public enum PortalProblems {
    /// `urn:atrium:problem:validation` (400): a query parameter, cursor or body broke a rule.
    public static let validationKind = Problem.Kind("validation", title: "Validation Failed")
    /// `urn:atrium:problem:conflict` (409): the request clashes with the current state.
    public static let conflictKind = Problem.Kind("conflict", title: "Conflict")
    /// `urn:atrium:problem:upstream-unavailable` (503): a system Atrium depends on did not answer usefully.
    public static let upstreamUnavailableKind = Problem.Kind("upstream-unavailable", title: "Upstream Unavailable")

    /// The one answer for a missing object, an object of another customer and an id that cannot exist, so the
    /// three are indistinguishable.
    public static func notFound() -> Problem {
        Problem(.notFound, status: .notFound, detail: "The requested resource does not exist.")
    }

    /// A 400 naming the field and the rule it broke (never echoing the value).
    public static func validation(field: String, _ message: String) -> Problem {
        Problem(validationKind, status: .badRequest, detail: "\(field): \(message)")
    }

    public static func conflict(_ detail: String) -> Problem {
        Problem(conflictKind, status: .conflict, detail: detail)
    }

    /// A 503 with `Retry-After` (whole seconds, rounded up) when the wait is known.
    public static func upstreamUnavailable(_ detail: String, retryAfter: Duration? = nil) -> Problem {
        var headers: HTTPFields = [:]
        if let retryAfter {
            let seconds = max(1, retryAfter.components.seconds + (retryAfter.components.attoseconds > 0 ? 1 : 0))
            headers[.retryAfter] = String(seconds)
        }
        return Problem(upstreamUnavailableKind, status: .serviceUnavailable, detail: detail, headers: headers)
    }
}
