public import Domain

/// A SIM / provisioning platform: lines of an account, usage, plan changes, and the provisioning steps
/// allocate → configure → activate → verify with their compensations (release, deactivate).
///
/// Steps are asynchronous on the platform: each returns a ``SIMOperation`` to poll with ``operation(id:)``
/// until it is finished; the line is locked while one runs (a second request gets `.conflict`). Every step
/// takes an idempotency key: replaying a step with the same key returns the first operation.
public protocol SIMProvider: Sendable {
    var upstream: UpstreamID { get }

    func lines(accountID: String) async throws -> [SIMLine]
    func line(id: String) async throws -> SIMLine
    func usage(lineID: String) async throws -> DataUsage
    func changePlan(lineID: String, plan: String, idempotencyKey: String) async throws -> SIMOperation
    func operation(id: String) async throws -> SIMOperation

    /// Reserves a line from the pool for `accountID` on `plan`; the operation's `lineID` names the line.
    func allocate(accountID: String, plan: String, idempotencyKey: String) async throws -> SIMOperation
    func configure(lineID: String, idempotencyKey: String) async throws -> SIMOperation
    func activate(lineID: String, idempotencyKey: String) async throws -> SIMOperation
    func verify(lineID: String, idempotencyKey: String) async throws -> SIMOperation
    /// Compensation of allocate/configure: gives the line back to the pool.
    func release(lineID: String, idempotencyKey: String) async throws -> SIMOperation
    /// Compensation of activate: switches the line off.
    func deactivate(lineID: String, idempotencyKey: String) async throws -> SIMOperation
}
