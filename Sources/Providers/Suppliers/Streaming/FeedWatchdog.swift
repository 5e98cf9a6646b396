import NIOConcurrencyHelpers

/// Ends a feed download that stops making progress: no response head by the call's deadline, or no body bytes
/// within the idle timeout while the parser is waiting for them.
///
/// The download moves the expectation forward with ``expect(by:_:)`` after each chunk and ``pause()``s it while it
/// waits for the consumer (a slow consumer is not the upstream's fault). ``run()`` runs beside the download in the
/// same task group and throws ``Fired`` when the expectation passes, which cancels the download.
final class FeedWatchdog: Sendable {
    struct Fired: Error {
        let reason: String
    }

    private struct Expectation {
        var deadline: ContinuousClock.Instant?
        var reason = ""
    }

    /// How often the watchdog looks at the clock at most.
    let tick: Duration
    private let state = NIOLockedValueBox(Expectation())

    init(tick: Duration = .milliseconds(50)) {
        self.tick = tick
    }

    /// Progress is expected by `deadline`; `reason` is the timeout's detail if it does not come.
    func expect(by deadline: ContinuousClock.Instant, _ reason: String) {
        state.withLockedValue { $0 = Expectation(deadline: deadline, reason: reason) }
    }

    /// Nothing is expected from the upstream now.
    func pause() {
        state.withLockedValue { $0.deadline = nil }
    }

    /// Watches until cancelled.
    ///
    /// - Throws: ``Fired`` once an expectation passes; `CancellationError` when cancelled.
    func run() async throws {
        let clock = ContinuousClock()
        while true {
            let expectation = state.withLockedValue { $0 }
            if let deadline = expectation.deadline {
                let now = clock.now
                if now >= deadline { throw Fired(reason: expectation.reason) }
                try await Task.sleep(until: min(deadline, now + tick), clock: clock)
            } else {
                try await Task.sleep(for: tick, clock: clock)
            }
        }
    }
}
