/// `authOem`: the key every other request carries, and how long it lives.
package struct SIMPlatformAuthResponse: Decodable, Sendable {
    package let authKey: String
    /// Seconds, a decimal string.
    package let expiresIn: String
}

/// The webhook event the platform POSTs when an operation finishes (fixtures/upstream/sim/README.md §6).
package struct SIMPlatformWebhookEvent: Decodable, Sendable {
    package let eventId: String
    /// `line.activated`, `line.planChanged`, …, or `operation.failed`.
    package let eventType: String
    package let occurredAt: String
    package let operation: SIMPlatformOperation
    package let line: SIMPlatformLine
}
