public import Foundation
import NIOConcurrencyHelpers

/// A call a sandbox received: enough for tests to count calls and check headers (idempotency keys,
/// `traceparent`, credentials), never the body.
public struct RecordedCall: Sendable, Hashable, Codable {
    public let operation: String
    public let method: String
    public let path: String
    public let query: String?
    /// Lower-cased header names.
    public let headers: [String: String]
    public let at: Date

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A webhook a sandbox sent to the configured receiver, and what came back.
public struct WebhookDelivery: Sendable, Hashable, Codable {
    public let event: String
    public let url: String
    /// The receiver's HTTP status, `nil` when it could not be reached.
    public let status: Int?
    public let at: Date
}

/// The control panel of one sandbox upstream: injected faults, the calls it received, where its webhooks go.
///
/// Tests use it in-process; `atrium sandbox` exposes it over HTTP under `/_sandbox/` (see ``SandboxServer``).
public final class SandboxControl: Sendable {
    /// The longest a `.hang` fault holds a request.
    public static let hangLimit: Duration = .seconds(60)

    private struct State {
        var rules: [FaultRule] = []
        var calls: [RecordedCall] = []
        var deliveries: [WebhookDelivery] = []
        var webhookURL: String?
        var stopping = false
    }
    private let state = NIOLockedValueBox(State())
    /// Recorded calls kept (oldest dropped first), so a long-running sandbox does not grow without bound.
    public let callLimit: Int

    public init(callLimit: Int = 10_000, webhookURL: String? = nil) {
        self.callLimit = callLimit
        state.withLockedValue { $0.webhookURL = webhookURL }
    }

    // MARK: Faults

    public func inject(_ rule: FaultRule) { state.withLockedValue { $0.rules.append(rule) } }

    public func inject(_ operation: String, _ fault: Fault, times: Int? = nil) {
        inject(FaultRule(operation, fault, times: times))
    }

    public func clearFaults() { state.withLockedValue { $0.rules.removeAll() } }

    public var faults: [FaultRule] { state.withLockedValue { $0.rules } }

    /// The fault for one call of `operation`, consuming one use of a counted rule. First matching rule wins.
    func takeFault(for operation: String) -> Fault? {
        state.withLockedValue { state in
            guard let index = state.rules.firstIndex(where: { $0.matches(operation) }) else { return nil }
            let fault = state.rules[index].fault
            if let times = state.rules[index].times {
                if times <= 1 { state.rules.remove(at: index) } else { state.rules[index].times = times - 1 }
            }
            return fault
        }
    }

    // MARK: Calls

    func record(_ call: RecordedCall) {
        state.withLockedValue { state in
            state.calls.append(call)
            if state.calls.count > callLimit { state.calls.removeFirst(state.calls.count - callLimit) }
        }
    }

    /// Calls received, oldest first; only those of `operation` when given (same matching as fault rules).
    public func calls(_ operation: String? = nil) -> [RecordedCall] {
        let all = state.withLockedValue { $0.calls }
        guard let operation else { return all }
        let rule = FaultRule(operation, .hang)
        return all.filter { rule.matches($0.operation) }
    }

    public func callCount(_ operation: String? = nil) -> Int { calls(operation).count }

    public func resetCalls() { state.withLockedValue { $0.calls.removeAll() } }

    // MARK: Webhooks

    /// Where state changes are sent as signed webhooks; `nil` sends none.
    public var webhookURL: String? {
        get { state.withLockedValue { $0.webhookURL } }
        set { state.withLockedValue { $0.webhookURL = newValue } }
    }

    func recordDelivery(_ delivery: WebhookDelivery) { state.withLockedValue { $0.deliveries.append(delivery) } }

    public var deliveries: [WebhookDelivery] { state.withLockedValue { $0.deliveries } }

    // MARK: Lifecycle

    /// Releases hanging requests so the server can stop.
    func stop() { state.withLockedValue { $0.stopping = true } }

    var isStopping: Bool { state.withLockedValue { $0.stopping } }
}
