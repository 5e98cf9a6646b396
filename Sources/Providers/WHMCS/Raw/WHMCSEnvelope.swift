/// The part every WHMCS answer shares: `result` (`success` or `error`) and, on errors, a human `message`.
///
/// WHMCS has no error codes: the message is the only signal (`Client Not Found`, `Authentication Failed`,
/// `Invalid IP 203.0.113.9`), so the adapter classifies errors by it.
struct WHMCSEnvelope: Decodable, Sendable {
    let result: String
    let message: String?
}

/// An answer that carries nothing but the result (AcceptOrder, CancelOrder, PendingOrder, AddTransaction).
struct WHMCSResult: Decodable, Sendable {
    let result: String
}
