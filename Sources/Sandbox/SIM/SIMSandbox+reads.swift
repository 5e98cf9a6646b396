import Foundation
import Hummingbird
import NIOConcurrencyHelpers

extension SIMSandbox {
    /// `authOem` (README §2): a new `authKey` for the right `oemId` and `oemKey`, else `211`.
    func authenticate(_ request: SIMSandboxRequest) throws(SIMSandboxFailure) -> Response {
        guard request.members["oemId"]?.string == oemID, request.members["oemKey"]?.string == oemKey else {
            throw SIMSandboxFailure("211", "OEM authentication failed")
        }
        let key = "AK-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
        let lifetime = authKeyLifetime.components.seconds
        state.withLockedValue { state in
            state.authKeys[key] = .init(oemID: oemID, expiresAt: Date().addingTimeInterval(TimeInterval(lifetime)))
        }
        return Self.envelope(["authKey": .string(key), "expiresIn": .string(String(lifetime))])
    }

    /// The OEM of a request's `authKey`; `210` when it is missing, unknown or expired.
    func authorise(_ request: SIMSandboxRequest) throws(SIMSandboxFailure) -> String {
        let key = request.members["authKey"]?.string ?? ""
        let now = Date()
        let oem = state.withLockedValue { state -> String? in
            guard let entry = state.authKeys[key] else { return nil }
            guard entry.expiresAt > now else {
                state.authKeys[key] = nil
                return nil
            }
            return entry.oemID
        }
        guard let oem else { throw SIMSandboxFailure("210", "authKey expired or unknown") }
        return oem
    }

    /// `master/getAcnt` (README §3): the account with all its lines; `230` for an unknown account.
    func accountDetail(_ request: SIMSandboxRequest) throws(SIMSandboxFailure) -> [String: JSONValue] {
        let accountID = try request.required("account")
        let account = state.withLockedValue { state -> JSONValue? in
            guard let account = state.accounts[accountID] else { return nil }
            let lines = account.lineIDs.compactMap { state.lines[$0]?.json }
            return [
                "accountId": .string(accountID), "accountName": .string(account.name), "lineCount": .string(String(lines.count)),
                "lines": .array(lines),
            ]
        }
        guard let account else { throw SIMSandboxFailure("230", "account not found") }
        return ["account": account]
    }

    /// `master/getLine` (README §3); `231` for an unknown number.
    func lineDetail(_ request: SIMSandboxRequest) throws(SIMSandboxFailure) -> [String: JSONValue] {
        let msisdn = try request.required("msisdn")
        guard let line = state.withLockedValue({ $0.lines[msisdn]?.json }) else { throw SIMSandboxFailure("231", "line not found") }
        return ["line": line]
    }

    /// `mvno/getTrafficInfo` (README §3): one line's usage this JST month, at most ``usageRequestsPerSecond``
    /// calls per OEM in any second (past it: HTTP 429 with `Retry-After`, result `260`; refused calls do not count).
    func traffic(_ request: SIMSandboxRequest, oem: String) throws(SIMSandboxFailure) -> [String: JSONValue] {
        let msisdn = try request.required("msisdn")
        let now = Date()
        let limit = usageRequestsPerSecond
        let outcome = state.withLockedValue { state -> Result<JSONValue, SIMSandboxFailure> in
            var window = (state.usageCalls[oem] ?? []).filter { now.timeIntervalSince($0) < 1 }
            if window.count >= limit, let oldest = window.first {
                state.usageCalls[oem] = window
                var failure = SIMSandboxFailure("260", "rate limit exceeded: mvno/getTrafficInfo", http: 429)
                let wait = max(1, Int((1 - now.timeIntervalSince(oldest)).rounded(.up)))
                failure.headers[.retryAfter] = String(wait)
                return .failure(failure)
            }
            window.append(now)
            state.usageCalls[oem] = window
            guard let line = state.lines[msisdn] else { return .failure(SIMSandboxFailure("231", "line not found")) }
            let month = SIMSandboxTime.month(of: now)
            let quota = Self.plans[line.planCode] ?? nil
            return .success([
                "msisdn": .string(line.msisdn), "planCode": .string(line.planCode), "usedBytes": .string(String(line.usedBytes)),
                "quotaBytes": .string(quota.map { String($0) } ?? ""), "periodStart": .string(month.first),
                "periodEnd": .string(month.last), "measuredAt": .string(SIMSandboxTime.stamp(now)),
            ])
        }
        switch outcome {
        case .success(let traffic): return ["traffic": traffic]
        case .failure(let failure): throw failure
        }
    }

    /// `mvno/getOpStatus` (README §3); `232` for an unknown id.
    func operationStatus(_ request: SIMSandboxRequest) throws(SIMSandboxFailure) -> [String: JSONValue] {
        let id = try request.required("operationId")
        guard let operation = state.withLockedValue({ $0.operations[id]?.json }) else {
            throw SIMSandboxFailure("232", "operation not found")
        }
        return ["operation": operation]
    }
}
