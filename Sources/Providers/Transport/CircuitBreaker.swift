/// The circuit breaker of one upstream: a pure state machine value with no clock reads and no I/O.
///
/// The transport asks ``decide(now:)`` before each attempt and reports each attempt's outcome with
/// ``record(success:now:)``; both take `now` from the caller (STYLE.md §5), so tests drive it with constructed
/// instants. Lifecycle:
/// - **closed**: every call goes through. The last `windowSize` outcomes are kept; once there are at least
///   `minimumCalls` of them and the failure rate reaches `failureRateThreshold`, the circuit opens.
/// - **open**: every call is rejected (with the time left) until `openDuration` has passed since it opened.
/// - **half-open**: at most `halfOpenMaxProbes` calls are in flight at once; `successesToClose` successes close
///   the circuit (with an empty window), any failure re-opens it for another `openDuration`.
///
/// What counts as a failure is the transport's business (connection errors, timeouts and 5xx); the breaker only
/// sees booleans. Outcomes reported while the circuit is open come from calls let through before it opened and are
/// ignored, so a slow straggler can neither extend nor shorten the open period.
public struct CircuitBreaker: Sendable {
    /// Where the circuit stands.
    public enum State: String, Sendable, Hashable, CustomStringConvertible {
        case closed, open, halfOpen
        public var description: String { rawValue }
    }

    /// The thresholds of a breaker.
    public struct Configuration: Sendable, Hashable {
        /// How many of the most recent outcomes the failure rate is computed over.
        public var windowSize: Int
        /// The circuit never opens with fewer outcomes than this in the window.
        public var minimumCalls: Int
        /// The failure rate (0...1) at or above which the circuit opens.
        public var failureRateThreshold: Double
        /// How long the circuit stays open before letting probes through.
        public var openDuration: Duration
        /// How many probe calls may be in flight at once while half-open.
        public var halfOpenMaxProbes: Int
        /// How many successful probes close the circuit again.
        public var successesToClose: Int

        public init(
            windowSize: Int = 20,
            minimumCalls: Int = 10,
            failureRateThreshold: Double = 0.5,
            openDuration: Duration = .seconds(5),
            halfOpenMaxProbes: Int = 1,
            successesToClose: Int = 2
        ) {
            self.windowSize = max(1, windowSize)
            self.minimumCalls = max(1, minimumCalls)
            self.failureRateThreshold = failureRateThreshold
            self.openDuration = openDuration
            self.halfOpenMaxProbes = max(1, halfOpenMaxProbes)
            self.successesToClose = max(1, successesToClose)
        }
    }

    /// What the caller may do now.
    public enum Decision: Sendable, Hashable {
        /// The circuit is closed: send.
        case allow
        /// The circuit is half-open and this call is a probe: send, and report its outcome.
        case allowProbe
        /// Do not send; the circuit may let calls through again after `retryAfter`.
        case reject(retryAfter: Duration)
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed
    /// The most recent outcomes while closed, oldest first (`true` is a failure).
    private var window: [Bool] = []
    private var openedAt: ContinuousClock.Instant?
    private var probesInFlight = 0
    private var probeSuccesses = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        window.reserveCapacity(configuration.windowSize)
    }

    /// How many outcomes the failure-rate window holds now.
    public var windowCalls: Int { window.count }
    /// How many of ``windowCalls`` were failures.
    public var windowFailures: Int { window.lazy.filter { $0 }.count }

    /// Decides whether a call may be sent at `now`, moving open to half-open once the open duration has passed.
    ///
    /// - Parameter now: The caller's current instant.
    /// - Returns: ``Decision/allow`` when closed, ``Decision/allowProbe`` for a half-open probe (whose outcome must
    ///   be reported with ``record(success:now:)`` or released with ``abandonProbe()``), otherwise a rejection.
    public mutating func decide(now: ContinuousClock.Instant) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open:
            let reopensAt = (openedAt ?? now) + configuration.openDuration
            guard now >= reopensAt else { return .reject(retryAfter: reopensAt - now) }
            state = .halfOpen
            probesInFlight = 1
            probeSuccesses = 0
            return .allowProbe
        case .halfOpen:
            guard probesInFlight < configuration.halfOpenMaxProbes else {
                // A probe is in flight; its answer decides. Ask again no sooner than a full open period.
                return .reject(retryAfter: configuration.openDuration)
            }
            probesInFlight += 1
            return .allowProbe
        }
    }

    /// Records the outcome of a call that ``decide(now:)`` let through.
    ///
    /// - Parameters:
    ///   - success: `false` for a connection error, a timeout or a 5xx; `true` otherwise.
    ///   - now: The caller's current instant (starts the open period when the circuit opens).
    /// - Returns: The new state when this outcome changed it, otherwise `nil`.
    public mutating func record(success: Bool, now: ContinuousClock.Instant) -> State? {
        switch state {
        case .closed:
            window.append(!success)
            if window.count > configuration.windowSize { window.removeFirst(window.count - configuration.windowSize) }
            guard window.count >= configuration.minimumCalls else { return nil }
            let rate = Double(windowFailures) / Double(window.count)
            guard rate >= configuration.failureRateThreshold else { return nil }
            return open(at: now)
        case .open:
            return nil
        case .halfOpen:
            probesInFlight = max(0, probesInFlight - 1)
            guard success else { return open(at: now) }
            probeSuccesses += 1
            guard probeSuccesses >= configuration.successesToClose else { return nil }
            state = .closed
            window.removeAll(keepingCapacity: true)
            probesInFlight = 0
            probeSuccesses = 0
            openedAt = nil
            return .closed
        }
    }

    /// Releases a probe slot whose call ended without an outcome (cancelled before an answer).
    ///
    /// Without this a cancelled probe would hold its slot forever and keep the circuit half-open and rejecting.
    public mutating func abandonProbe() {
        if state == .halfOpen { probesInFlight = max(0, probesInFlight - 1) }
    }

    private mutating func open(at now: ContinuousClock.Instant) -> State {
        state = .open
        openedAt = now
        probesInFlight = 0
        probeSuccesses = 0
        return .open
    }
}
