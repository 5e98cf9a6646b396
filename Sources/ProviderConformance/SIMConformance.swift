import Domain
import Foundation
public import Providers
public import Sandbox

/// A SIM adapter wired to its running sandbox, plus the seed data the checks rely on.
public struct SIMHarness: Sendable {
    public let control: SandboxControl
    /// Builds the adapter against the sandbox with `setup`.
    public let make: @Sendable (ProviderSetup) -> any SIMProvider
    /// An account with at least one active line whose plan is not ``plan``.
    public let accountID: String
    /// A plan the sandbox accepts, to change lines to and to allocate new ones on.
    public let plan: String
    public let unknownLineID: String
    public let unknownOperationID: String
    /// Makes every auth token the sandbox issued invalid at once. `nil` fails the expiry check rather than letting
    /// it pass untested.
    public let expireAuth: (@Sendable () -> Void)?
    /// Sandbox operation names: the call behind `lines(accountID:)` (the read probe), the authentication call,
    /// and the call behind `changePlan`.
    public let linesOperation: String
    public let authOperation: String
    public let changePlanOperation: String
    /// The longest an asynchronous operation may take to finish in the sandbox.
    public let operationTimeout: Duration

    public init(
        control: SandboxControl,
        make: @escaping @Sendable (ProviderSetup) -> any SIMProvider,
        accountID: String,
        plan: String,
        unknownLineID: String,
        unknownOperationID: String,
        expireAuth: (@Sendable () -> Void)?,
        linesOperation: String,
        authOperation: String,
        changePlanOperation: String,
        operationTimeout: Duration = .seconds(10)
    ) {
        self.control = control
        self.make = make
        self.accountID = accountID
        self.plan = plan
        self.unknownLineID = unknownLineID
        self.unknownOperationID = unknownOperationID
        self.expireAuth = expireAuth
        self.linesOperation = linesOperation
        self.authOperation = authOperation
        self.changePlanOperation = changePlanOperation
        self.operationTimeout = operationTimeout
    }

    public var provider: any SIMProvider { make(.standard) }
}

public typealias SIMCheck = ProviderCheck<SIMHarness>

/// Every ``SIMProvider`` adapter passes these against its sandbox.
public enum SIMConformance {
    public static var all: [SIMCheck] { capability + provisioning + TransportChecks.all(readProbe) }

    static func readProbe(_ harness: SIMHarness) -> ReadProbe {
        ReadProbe(control: harness.control, operation: harness.linesOperation) { setup in
            let provider = harness.make(setup)
            return { _ = try await provider.lines(accountID: harness.accountID) }
        }
    }

    static let capability: [SIMCheck] = [
        SIMCheck("lines of an account load") { harness in
            let lines = try await harness.provider.lines(accountID: harness.accountID)
            try require(!lines.isEmpty, "no lines for the seeded account")
            try require(lines.allSatisfy { $0.accountID == harness.accountID }, "a line of another account")
            try require(Set(lines.map(\.id)).count == lines.count, "a line listed twice")
        },
        SIMCheck("line by id equals the listed one") { harness in
            let provider = harness.provider
            for listed in try await provider.lines(accountID: harness.accountID) {
                let fetched = try await provider.line(id: listed.id)
                try require(fetched == listed, "line \(listed.id) fetched differs from listed")
            }
        },
        SIMCheck("usage loads") { harness in
            let provider = harness.provider
            let line = try await activeLine(provider, harness)
            let usage = try await provider.usage(lineID: line.id)
            try require(usage.periodEnd > usage.periodStart, "empty usage period")
            try require(usage.limitBytes.map { $0 > 0 } ?? true, "a zero allowance")
        },
        SIMCheck("unknown line and operation are notFound") { harness in
            let provider = harness.provider
            try await expectProviderError(.notFound) { try await provider.line(id: harness.unknownLineID) }
            try await expectProviderError(.notFound) { try await provider.usage(lineID: harness.unknownLineID) }
            try await expectProviderError(.notFound) {
                try await provider.changePlan(lineID: harness.unknownLineID, plan: harness.plan, idempotencyKey: key())
            }
            try await expectProviderError(.notFound) { try await provider.operation(id: harness.unknownOperationID) }
        },
        SIMCheck("bad credentials are unauthorized") { harness in
            let provider = harness.make(ProviderSetup(validCredentials: false))
            try await expectProviderError(.unauthorized) { try await provider.lines(accountID: harness.accountID) }
        },
        SIMCheck("an expired auth token is renewed once and the call succeeds") { harness in
            // A platform without expiring keys still passes a harness that can expire them; a harness that
            // leaves the hook out would make this check pass without testing anything, so it fails instead.
            guard let expire = harness.expireAuth else { throw ConformanceFailure("the harness gives no expireAuth hook") }
            let provider = harness.provider
            _ = try await provider.lines(accountID: harness.accountID)
            let authCalls = harness.control.callCount(harness.authOperation)
            let readCalls = harness.control.callCount(harness.linesOperation)
            expire()
            let lines = try await provider.lines(accountID: harness.accountID)
            try require(!lines.isEmpty, "no lines after renewal")
            try require(harness.control.callCount(harness.authOperation) == authCalls + 1, "not exactly one renewal")
            try require(harness.control.callCount(harness.linesOperation) == readCalls + 2, "the refused read was not repeated once")
        },
        SIMCheck("plan change finishes and the line shows the new plan") { harness in
            let provider = harness.provider
            let line = try await activeLine(provider, harness)
            let operation = try await provider.changePlan(lineID: line.id, plan: harness.plan, idempotencyKey: key())
            try require(operation.kind == .planChange && operation.lineID == line.id, "operation \(operation.kind) on \(operation.lineID)")
            try require(operation.status == .pending || operation.status == .running, "a new operation is \(operation.status)")
            let finished = try await waitForSuccess(operation, provider, harness)
            try require(finished.id == operation.id, "another operation came back")
            let after = try await provider.line(id: line.id)
            try require(after.plan == harness.plan, "plan is \(after.plan), expected \(harness.plan)")
            try require(after.pendingOperationID == nil, "the line is still locked")
        },
        SIMCheck("a second mutation while the line is locked is conflict") { harness in
            let provider = harness.provider
            let line = try await activeLine(provider, harness)
            let running = try await provider.changePlan(lineID: line.id, plan: harness.plan, idempotencyKey: key())
            let locked = try await provider.line(id: line.id)
            try require(locked.pendingOperationID == running.id, "the line is not locked by \(running.id)")
            try await expectProviderError(.conflict) { try await provider.deactivate(lineID: line.id, idempotencyKey: key()) }
            _ = try await waitForSuccess(running, provider, harness)
        },
        SIMCheck("a replayed mutation returns the same operation; other parameters are conflict") { harness in
            let provider = harness.provider
            let lines = try await provider.lines(accountID: harness.accountID)
            let line = try await activeLine(provider, harness)
            let idempotencyKey = key()
            let first = try await provider.changePlan(lineID: line.id, plan: harness.plan, idempotencyKey: idempotencyKey)
            let replay = try await provider.changePlan(lineID: line.id, plan: harness.plan, idempotencyKey: idempotencyKey)
            try require(replay.id == first.id, "replay made another operation: \(first.id) vs \(replay.id)")
            let finished = try await waitForSuccess(first, provider, harness)
            let late = try await provider.changePlan(lineID: line.id, plan: harness.plan, idempotencyKey: idempotencyKey)
            try require(late.id == finished.id && late.status == .succeeded, "a late replay gave \(late.id) \(late.status)")
            if let other = lines.first(where: { $0.id != line.id }) {
                try await expectProviderError(.conflict) {
                    try await provider.changePlan(lineID: other.id, plan: harness.plan, idempotencyKey: idempotencyKey)
                }
            }
        },
        SIMCheck("a mutation is retried after one 503") { harness in
            let provider = harness.provider
            let line = try await activeLine(provider, harness)
            harness.control.inject(harness.changePlanOperation, .status(503, body: nil), times: 1)
            let operation = try await provider.changePlan(lineID: line.id, plan: harness.plan, idempotencyKey: key())
            try require(
                harness.control.callCount(harness.changePlanOperation) == 2,
                "calls: \(harness.control.callCount(harness.changePlanOperation))"
            )
            _ = try await waitForSuccess(operation, provider, harness)
        },
    ]

    static let provisioning: [SIMCheck] = [
        SIMCheck("provisioning allocate → configure → activate → verify ends active") { harness in
            let provider = harness.provider
            let base = key()
            let lineID = try await allocate(provider, harness, key: base)
            let allocated = try await provider.line(id: lineID)
            try require(allocated.status == .allocated && allocated.accountID == harness.accountID, "allocated line is \(allocated.status)")
            try require(allocated.plan == harness.plan, "allocated on \(allocated.plan)")
            _ = try await waitForSuccess(
                try await provider.configure(lineID: lineID, idempotencyKey: base + ":configure"),
                provider,
                harness
            )
            try require(try await provider.line(id: lineID).status == .configured, "configure did not configure")
            _ = try await waitForSuccess(try await provider.activate(lineID: lineID, idempotencyKey: base + ":activate"), provider, harness)
            try require(try await provider.line(id: lineID).status == .active, "activate did not activate")
            _ = try await waitForSuccess(try await provider.verify(lineID: lineID, idempotencyKey: base + ":verify"), provider, harness)
            let verified = try await provider.line(id: lineID)
            try require(verified.status == .active && verified.pendingOperationID == nil, "verified line is \(verified.status)")
            let listed = try await provider.lines(accountID: harness.accountID)
            try require(listed.contains { $0.id == lineID && $0.status == .active }, "the new line is not listed as active")
        },
        SIMCheck("compensation: release of an allocated line") { harness in
            let provider = harness.provider
            let base = key()
            let lineID = try await allocate(provider, harness, key: base)
            _ = try await waitForSuccess(try await provider.release(lineID: lineID, idempotencyKey: base + ":release"), provider, harness)
            let released = try await provider.line(id: lineID)
            try require(released.status == .released, "released line is \(released.status)")
        },
        SIMCheck("compensation: deactivate of an active line") { harness in
            let provider = harness.provider
            let base = key()
            let lineID = try await allocate(provider, harness, key: base)
            _ = try await waitForSuccess(
                try await provider.configure(lineID: lineID, idempotencyKey: base + ":configure"),
                provider,
                harness
            )
            _ = try await waitForSuccess(try await provider.activate(lineID: lineID, idempotencyKey: base + ":activate"), provider, harness)
            _ = try await waitForSuccess(
                try await provider.deactivate(lineID: lineID, idempotencyKey: base + ":deactivate"),
                provider,
                harness
            )
            let deactivated = try await provider.line(id: lineID)
            try require(deactivated.status == .deactivated, "deactivated line is \(deactivated.status)")
        },
    ]

    // MARK: Helpers

    static func key() -> String { "conformance-\(UInt64.random(in: 1...UInt64.max))" }

    /// The first active line of the harness's account that is not on the harness's plan.
    static func activeLine(_ provider: any SIMProvider, _ harness: SIMHarness) async throws -> SIMLine {
        let lines = try await provider.lines(accountID: harness.accountID)
        guard let line = lines.first(where: { $0.status == .active && $0.plan != harness.plan }) else {
            throw ConformanceFailure("no active line off plan \(harness.plan) in \(harness.accountID)")
        }
        return line
    }

    /// Allocates a line on the harness's plan and waits until the allocation succeeded; returns its id.
    static func allocate(_ provider: any SIMProvider, _ harness: SIMHarness, key: String) async throws -> String {
        let operation = try await provider.allocate(accountID: harness.accountID, plan: harness.plan, idempotencyKey: key + ":allocate")
        try require(operation.kind == .allocate && !operation.lineID.isEmpty, "allocate gave \(operation.kind) on '\(operation.lineID)'")
        let finished = try await waitForSuccess(operation, provider, harness)
        try require(finished.lineID == operation.lineID, "the allocation moved to another line")
        return operation.lineID
    }

    /// Polls `operation(id:)` until the operation is finished, within ``SIMHarness/operationTimeout``.
    ///
    /// - Throws: ``ConformanceFailure`` when it failed or did not finish in time.
    @discardableResult
    static func waitForSuccess(_ operation: SIMOperation, _ provider: any SIMProvider, _ harness: SIMHarness) async throws -> SIMOperation {
        let end = ContinuousClock.now + harness.operationTimeout
        var current = operation
        while !current.status.isFinished {
            guard ContinuousClock.now < end else {
                throw ConformanceFailure("\(operation.kind) \(operation.id) still \(current.status) after \(harness.operationTimeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
            current = try await provider.operation(id: operation.id)
            try require(current.id == operation.id && current.kind == operation.kind, "operation(id:) returned another operation")
        }
        try require(current.status == .succeeded, "\(operation.kind) \(operation.id) failed: \(current.errorCode ?? "no code")")
        return current
    }
}
