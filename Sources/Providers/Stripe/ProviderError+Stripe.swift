import Domain
package import Foundation

extension ProviderError {
    /// Maps a Stripe error answer (https://docs.stripe.com/api/errors) to a ``ProviderError``.
    ///
    /// | Stripe | code |
    /// | --- | --- |
    /// | 401, 403 (`permission_error`) | `unauthorized` |
    /// | 404, or `code: resource_missing` | `notFound` |
    /// | `type: idempotency_error` (400), 409 (`idempotency_key_in_use`, `lock_timeout`) | `conflict` |
    /// | 429, or `code: rate_limit` | `rateLimited` |
    /// | 402 (`card_error`), 400 and other 4xx | `rejected` |
    /// | 5xx, or an unexpected 1xx/3xx | `unavailable` |
    ///
    /// `upstreamCode` is Stripe's `code`, else its `type`. The detail names the type, code, decline code and
    /// parameter, never the human message (it may quote ids or values).
    ///
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - body: The answer's body; an unreadable one still maps by status.
    ///   - retryAfter: The wait `Retry-After` asked for, kept on `rateLimited`.
    package static func stripe(status: Int, body: Data, retryAfter: Duration? = nil) -> ProviderError {
        let error = try? JSONDecoder().decode(StripeErrorBody.self, from: body).error
        var detail = "Stripe answered \(status)"
        if let error {
            detail += " type=\(error.type)"
            if let code = error.code { detail += " code=\(code)" }
            if let decline = error.declineCode { detail += " decline_code=\(decline)" }
            if let param = error.param { detail += " param=\(param)" }
        }
        let code: ProviderError.Code
        switch (status, error?.type, error?.code) {
        case (401, _, _), (403, _, _): code = .unauthorized
        case (404, _, _), (_, _, "resource_missing"): code = .notFound
        case (409, _, _), (_, "idempotency_error", _): code = .conflict
        case (429, _, _), (_, _, "rate_limit"): code = .rateLimited
        case (400..<500, _, _): code = .rejected
        default: code = .unavailable
        }
        return ProviderError(
            code,
            provider: .stripe,
            upstreamStatus: status,
            upstreamCode: error?.code ?? error?.type,
            retryAfter: code == .rateLimited ? retryAfter : nil,
            detail: detail
        )
    }
}
