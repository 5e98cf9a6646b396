import Foundation
import Providers
public import Sandbox

/// A read call of some adapter, and the sandbox operation name it arrives as: what the transport checks
/// exercise, identical for every capability.
public struct ReadProbe: Sendable {
    public let control: SandboxControl
    /// The sandbox operation the call arrives as (for fault rules and call counts).
    public let operation: String
    /// Builds ONE adapter with `setup` and returns a closure making one read call with it (the breaker lives
    /// in the adapter, so repeated calls must reuse it).
    public let connect: @Sendable (ProviderSetup) -> @Sendable () async throws -> Void

    public init(
        control: SandboxControl,
        operation: String,
        connect: @escaping @Sendable (ProviderSetup) -> @Sendable () async throws -> Void
    ) {
        self.control = control
        self.operation = operation
        self.connect = connect
    }

    /// One call with a fresh adapter.
    func call(_ setup: ProviderSetup) async throws { try await connect(setup)() }
}

/// The transport behaviour every adapter must show against its sandbox: malformed and truncated payloads,
/// deadlines, retries, `Retry-After`, the circuit breaker. Each capability suite includes these.
public enum TransportChecks {
    public static func all<Harness: Sendable>(_ probe: @escaping @Sendable (Harness) -> ReadProbe) -> [ProviderCheck<Harness>] {
        [
            ProviderCheck("malformed payload is invalidPayload with a path") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .malformedBody)
                let error = try await expectProviderError(.invalidPayload) { try await read.call(.standard) }
                try require(error.path?.hasPrefix("$") == true || error.path?.isEmpty == false, "no path in \(error)")
            },
            ProviderCheck("truncated payload is invalidPayload") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .truncatedBody)
                try await expectProviderError(.invalidPayload) { try await read.call(.standard) }
            },
            ProviderCheck("a hanging upstream times out within the deadline") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .hang)
                let setup = ProviderSetup { $0.deadline = .milliseconds(500) }
                let start = ContinuousClock.now
                try await expectProviderError(.timeout) { try await read.call(setup) }
                let elapsed = ContinuousClock.now - start
                // The sandbox would hang for a minute; returning within a few seconds proves the deadline cut it
                // (the bound is loose so a loaded CI machine cannot fail it).
                try require(elapsed < .seconds(5), "timed out after \(elapsed), deadline 500 ms")
            },
            ProviderCheck("a read is retried after one 503") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .status(503, body: nil), times: 1)
                try await read.call(.standard)
                try require(read.control.callCount(read.operation) == 2, "calls: \(read.control.callCount(read.operation)), expected 2")
            },
            ProviderCheck("Retry-After is respected") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .rateLimited(retryAfterSeconds: 1), times: 1)
                try await read.call(ProviderSetup { $0.deadline = .seconds(5) })
                let calls = read.control.calls(read.operation)
                try require(calls.count == 2, "calls: \(calls.count), expected 2")
                let gap = calls[1].at.timeIntervalSince(calls[0].at)
                try require(gap >= 0.95, "retried \(gap) s after a Retry-After of 1 s")
            },
            ProviderCheck("Retry-After beyond the deadline is rateLimited at once") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .rateLimited(retryAfterSeconds: 30))
                let start = ContinuousClock.now
                let error = try await expectProviderError(.rateLimited) { try await read.call(.standard) }
                try require(error.retryAfter != nil, "no retryAfter in \(error)")
                // Waiting would take 30 s; the single call below is the real proof that it did not wait.
                try require(ContinuousClock.now - start < .seconds(10), "waited \(ContinuousClock.now - start)")
                try require(read.control.callCount(read.operation) == 1, "calls: \(read.control.callCount(read.operation))")
            },
            ProviderCheck("the breaker opens and fails fast without calling the upstream") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .status(503, body: nil))
                let provider = SharedProbe(read: read, setup: breakerSetup(open: .seconds(60)))
                let opened = try await provider.failUntilOpen()
                try require(opened, "the circuit never opened")
                let callsWhenOpen = read.control.callCount(read.operation)
                for _ in 0..<5 {
                    try await expectProviderError(.circuitOpen) { try await provider.call() }
                }
                try require(read.control.callCount(read.operation) == callsWhenOpen, "an open circuit called the upstream")
            },
            ProviderCheck("a half-open probe closes the circuit again") { harness in
                let read = probe(harness)
                read.control.inject(read.operation, .status(503, body: nil))
                let provider = SharedProbe(read: read, setup: breakerSetup(open: .milliseconds(300)))
                try require(try await provider.failUntilOpen(), "the circuit never opened")
                read.control.clearFaults()
                try await Task.sleep(for: .milliseconds(400))
                for _ in 0..<3 { try await provider.call() }
            },
        ]
    }

    /// A breaker that opens after four failed calls and no retries, so checks stay quick.
    static func breakerSetup(open: Duration) -> ProviderSetup {
        ProviderSetup { configuration in
            configuration.retry = .none
            configuration.breaker.windowSize = 4
            configuration.breaker.minimumCalls = 4
            configuration.breaker.failureRateThreshold = 0.5
            configuration.breaker.openDuration = open
            configuration.breaker.halfOpenMaxProbes = 1
            configuration.breaker.successesToClose = 1
        }
    }
}

/// One adapter instance (so one breaker) called again and again.
struct SharedProbe: Sendable {
    let call: @Sendable () async throws -> Void

    init(read: ReadProbe, setup: ProviderSetup) { self.call = read.connect(setup) }

    /// Calls until the circuit is open; `true` once a call fails with `.circuitOpen`.
    func failUntilOpen() async throws -> Bool {
        for _ in 0..<20 {
            do {
                try await call()
            } catch let error as ProviderError where error.code == .circuitOpen {
                return true
            } catch is ProviderError {
                continue
            }
        }
        return false
    }
}
