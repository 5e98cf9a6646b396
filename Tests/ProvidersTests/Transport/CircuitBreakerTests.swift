import Providers
import Testing

/// The breaker as a pure state machine: constructed instants in, decisions and transitions out; no sockets, no clock.
@Suite("Circuit breaker state machine")
struct CircuitBreakerTests {
    /// A fixed origin; every test moves time by adding durations to it.
    let t0 = ContinuousClock().now

    func breaker(
        window: Int = 4,
        minimum: Int = 4,
        threshold: Double = 0.5,
        open: Duration = .seconds(5),
        probes: Int = 1,
        toClose: Int = 2
    ) -> CircuitBreaker {
        CircuitBreaker(
            configuration: .init(
                windowSize: window,
                minimumCalls: minimum,
                failureRateThreshold: threshold,
                openDuration: open,
                halfOpenMaxProbes: probes,
                successesToClose: toClose
            )
        )
    }

    /// Drives `breaker` into the open state at `t0` with `minimum` failures.
    func opened(_ breaker: inout CircuitBreaker, failures: Int = 4) {
        for _ in 0..<failures {
            _ = breaker.decide(now: t0)
            _ = breaker.record(success: false, now: t0)
        }
    }

    // MARK: Closed

    @Test func defaultsMatchTheContract() {
        let configuration = CircuitBreaker.Configuration()
        #expect(configuration.windowSize == 20)
        #expect(configuration.minimumCalls == 10)
        #expect(configuration.failureRateThreshold == 0.5)
        #expect(configuration.openDuration == .seconds(5))
        #expect(configuration.halfOpenMaxProbes == 1)
        #expect(configuration.successesToClose == 2)
        #expect(CircuitBreaker().state == .closed)
    }

    @Test func staysClosedBelowMinimumCallsEvenWhenAllFail() {
        var breaker = breaker(minimum: 4)
        for _ in 0..<3 {
            #expect(breaker.decide(now: t0) == .allow)
            #expect(breaker.record(success: false, now: t0) == nil)
        }
        #expect(breaker.state == .closed)
        #expect(breaker.windowCalls == 3)
        #expect(breaker.windowFailures == 3)
    }

    @Test func opensWhenTheFailureRateReachesTheThreshold() {
        var breaker = breaker(window: 4, minimum: 4, threshold: 0.5)
        #expect(breaker.record(success: true, now: t0) == nil)
        #expect(breaker.record(success: true, now: t0) == nil)
        #expect(breaker.record(success: false, now: t0) == nil)
        // 2 of 4 = 0.5: at the threshold, so it opens.
        #expect(breaker.record(success: false, now: t0) == .open)
        #expect(breaker.state == .open)
    }

    @Test func staysClosedJustBelowTheThreshold() {
        var breaker = breaker(window: 4, minimum: 4, threshold: 0.75)
        for success in [true, true, false, false] { #expect(breaker.record(success: success, now: t0) == nil) }
        #expect(breaker.state == .closed)
    }

    @Test func onlyTheLastWindowSizeOutcomesCount() {
        var breaker = breaker(window: 4, minimum: 4, threshold: 0.5)
        // Old failures slide out of the window: [F, S, S, S] then [S, S, S, F] never reaches 2 of 4.
        for success in [false, true, true, true, false] { #expect(breaker.record(success: success, now: t0) == nil) }
        #expect(breaker.windowCalls == 4)
        #expect(breaker.windowFailures == 1)
        #expect(breaker.state == .closed)
    }

    // MARK: Open

    @Test func openRejectsWithTheTimeLeftUntilTheOpenPeriodEnds() {
        var breaker = breaker(open: .seconds(5))
        opened(&breaker)
        #expect(breaker.decide(now: t0) == .reject(retryAfter: .seconds(5)))
        #expect(breaker.decide(now: t0 + .seconds(2)) == .reject(retryAfter: .seconds(3)))
        #expect(breaker.state == .open)
    }

    @Test func outcomesOfStragglersAreIgnoredWhileOpen() {
        var breaker = breaker(open: .seconds(5))
        opened(&breaker)
        #expect(breaker.record(success: false, now: t0 + .seconds(4)) == nil)
        #expect(breaker.record(success: true, now: t0 + .seconds(4)) == nil)
        // The open period still ends 5 s after it began, not after the late failure.
        #expect(breaker.decide(now: t0 + .seconds(5)) == .allowProbe)
    }

    // MARK: Half-open

    @Test func afterTheOpenPeriodOneProbeIsLetThrough() {
        var breaker = breaker(open: .seconds(5), probes: 1)
        opened(&breaker)
        #expect(breaker.decide(now: t0 + .seconds(5)) == .allowProbe)
        #expect(breaker.state == .halfOpen)
        // The probe is in flight: everyone else is rejected.
        guard case .reject = breaker.decide(now: t0 + .seconds(5)) else {
            Issue.record("a second concurrent probe was allowed")
            return
        }
    }

    @Test func halfOpenMaxProbesLimitsConcurrentProbes() {
        var breaker = breaker(probes: 2)
        opened(&breaker)
        let later = t0 + .seconds(6)
        #expect(breaker.decide(now: later) == .allowProbe)
        #expect(breaker.decide(now: later) == .allowProbe)
        #expect(breaker.decide(now: later) != .allowProbe)
        // One probe answers: its slot is free again.
        #expect(breaker.record(success: true, now: later) == nil)
        #expect(breaker.decide(now: later) == .allowProbe)
    }

    @Test func successesToCloseSuccessfulProbesCloseTheCircuitWithAnEmptyWindow() {
        var breaker = breaker(toClose: 2)
        opened(&breaker)
        let later = t0 + .seconds(6)
        #expect(breaker.decide(now: later) == .allowProbe)
        #expect(breaker.record(success: true, now: later) == nil)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.decide(now: later) == .allowProbe)
        #expect(breaker.record(success: true, now: later) == .closed)
        #expect(breaker.state == .closed)
        #expect(breaker.windowCalls == 0)
        #expect(breaker.decide(now: later) == .allow)
    }

    @Test func aFailedProbeReopensForAFullOpenPeriod() {
        var breaker = breaker(open: .seconds(5))
        opened(&breaker)
        let probeTime = t0 + .seconds(7)
        #expect(breaker.decide(now: probeTime) == .allowProbe)
        #expect(breaker.record(success: false, now: probeTime) == .open)
        #expect(breaker.decide(now: probeTime + .seconds(1)) == .reject(retryAfter: .seconds(4)))
        #expect(breaker.decide(now: probeTime + .seconds(5)) == .allowProbe)
    }

    @Test func aFailureAfterOneSuccessfulProbeStillReopens() {
        var breaker = breaker(toClose: 2)
        opened(&breaker)
        let later = t0 + .seconds(6)
        _ = breaker.decide(now: later)
        #expect(breaker.record(success: true, now: later) == nil)
        _ = breaker.decide(now: later)
        #expect(breaker.record(success: false, now: later) == .open)
    }

    @Test func anAbandonedProbeFreesItsSlot() {
        var breaker = breaker(probes: 1)
        opened(&breaker)
        let later = t0 + .seconds(6)
        #expect(breaker.decide(now: later) == .allowProbe)
        breaker.abandonProbe()
        #expect(breaker.state == .halfOpen)
        #expect(breaker.decide(now: later) == .allowProbe)
    }

    @Test func closingAndReopeningNeedsMinimumCallsAgain() {
        var breaker = breaker(window: 4, minimum: 4, toClose: 1)
        opened(&breaker)
        let later = t0 + .seconds(6)
        _ = breaker.decide(now: later)
        #expect(breaker.record(success: true, now: later) == .closed)
        // The window restarted empty: three failures are below minimumCalls.
        for _ in 0..<3 { #expect(breaker.record(success: false, now: later) == nil) }
        #expect(breaker.record(success: false, now: later) == .open)
    }
}
