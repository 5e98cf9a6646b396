import Foundation

/// The SIM sandbox's whole state, kept behind one lock: lines, accounts, the free card pool, operations,
/// remembered request ids, issued auth keys, the usage rate-limit window and armed operation failures.
struct SIMSandboxState: Sendable {
    struct Line: Sendable {
        var msisdn: String
        var iccid: String
        var account: String
        var planCode: String
        /// `reserved`, `registered`, `active`, `suspended`, `terminated` or `returned`.
        var status: String
        var simType: String
        var networkType: String
        var openingDate: String
        var lockedBy: String?
        var usedBytes: Int64
    }

    struct Account: Sendable {
        var name: String
        /// The account's lines in the order they joined it.
        var lineIDs: [String]
    }

    struct Card: Sendable, Hashable {
        var iccid: String
        var msisdn: String
    }

    struct Operation: Sendable {
        var id: String
        var kind: String
        var msisdn: String
        var account: String
        /// `accepted`, `processing`, `completed` or `failed`.
        var status: String
        var requestID: String
        var acceptedAt: Date
        var completedAt: Date?
        var errorCode: String?
        var errorMessage: String?
        /// The new plan of a `changePlan`.
        var planCode: String?
        /// Set when a failure was armed for this operation: it ends `failed` with this code and message.
        var failure: (code: String, message: String)?

        var isFinished: Bool { status == "completed" || status == "failed" }
    }

    struct AuthKey: Sendable {
        var oemID: String
        var expiresAt: Date
    }

    struct Remembered: Sendable {
        var fingerprint: String
        var operationID: String
    }

    var lines: [String: Line] = [:]
    var accounts: [String: Account] = [:]
    var pool: [Card] = []
    var operations: [String: Operation] = [:]
    /// Accepted request ids, keyed `<oemId>|<requestId>`.
    var requests: [String: Remembered] = [:]
    var authKeys: [String: AuthKey] = [:]
    /// When the usage calls of the last second were accepted, oldest first, per OEM.
    var usageCalls: [String: [Date]] = [:]
    /// Failures armed per operation kind, used first-in first-out.
    var armedFailures: [String: [(code: String, message: String)]] = [:]
    var nextOperation = 100
    var nextEvent = 0
}

/// A finished operation's webhook, rendered under the lock and sent outside it.
struct SIMSandboxEvent: Sendable {
    let type: String
    let body: Data
}

// MARK: Rendering (README §3 line and operation objects)

extension SIMSandboxState.Line {
    var json: JSONValue {
        [
            "msisdn": .string(msisdn), "iccid": .string(iccid), "account": .string(account), "planCode": .string(planCode),
            "status": .string(status), "simType": .string(simType), "networkType": .string(networkType),
            "openingDate": .string(openingDate), "lockedBy": .string(lockedBy ?? ""),
        ]
    }
}

extension SIMSandboxState.Operation {
    var json: JSONValue {
        [
            "operationId": .string(id), "kind": .string(kind), "msisdn": .string(msisdn), "account": .string(account),
            "status": .string(status), "requestId": .string(requestID), "acceptedAt": .string(SIMSandboxTime.stamp(acceptedAt)),
            "completedAt": .string(completedAt.map(SIMSandboxTime.stamp) ?? ""), "errorCode": .string(errorCode ?? ""),
            "errorMessage": .string(errorMessage ?? ""),
        ]
    }
}

/// The platform's clock format: Japan Standard Time (UTC+9, no daylight saving time).
enum SIMSandboxTime {
    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600) ?? .gmt
        return calendar
    }

    /// `yyyyMMddHHmmss` in JST.
    static func stamp(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02d%02d%02d%02d",
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0
        )
    }

    /// `yyyyMMdd` in JST.
    static func day(_ date: Date) -> String { String(stamp(date).prefix(8)) }

    /// The first and last day (`yyyyMMdd`, inclusive) of the JST month that contains `date`.
    static func month(of date: Date) -> (first: String, last: String) {
        let calendar = calendar
        guard let interval = calendar.dateInterval(of: .month, for: date) else { return (day(date), day(date)) }
        return (day(interval.start), day(interval.end.addingTimeInterval(-1)))
    }
}
