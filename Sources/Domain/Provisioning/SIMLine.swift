public import Foundation

/// A SIM card's ICCID: 18 to 22 digits whose last digit is the Luhn check digit of the others (ITU-T E.118).
public struct ICCID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String, field: String = "iccid") throws(ValidationError) {
        let text = raw.trimmingWhitespace()
        guard (18...22).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ValidationError(.invalidFormat, field: field, "18 to 22 digits")
        }
        guard Self.luhnValid(text) else { throw ValidationError(.checksum, field: field, "check digit does not match") }
        self.value = text
    }

    /// The Luhn check digit for `digits` (without the check digit), e.g. to build ICCIDs in a sandbox.
    public static func luhnCheckDigit(_ digits: String) -> Character {
        var sum = 0
        for (offset, byte) in digits.utf8.reversed().enumerated() {
            var digit = Int(byte - 0x30)
            if offset % 2 == 0 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return Character(String((10 - sum % 10) % 10))
    }

    static func luhnValid(_ text: String) -> Bool {
        let body = String(text.dropLast())
        return text.last == luhnCheckDigit(body)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
}

/// A phone number in E.164 form without the `+`: 8 to 15 digits, the first not 0.
public struct MSISDN: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// Accepts `+81 90-1234-5678` style input: spaces, dashes and a leading `+` are dropped.
    public init(_ raw: String, field: String = "msisdn") throws(ValidationError) {
        let digits = String(raw.trimmingWhitespace().filter { $0 != " " && $0 != "-" && $0 != "+" })
        guard (8...15).contains(digits.utf8.count), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), digits.first != "0" else {
            throw ValidationError(.invalidFormat, field: field, "an E.164 number of 8 to 15 digits")
        }
        self.value = digits
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
}

public enum SIMStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reserved for an order, not yet configured.
    case allocated
    /// Plan and profile set, not yet live.
    case configured
    case active
    case suspended
    /// Switched off for good (compensation of activate, or cancellation).
    case deactivated
    /// Given back to the pool (compensation of allocate).
    case released
}

/// Data used in one billing period.
public struct DataUsage: Sendable, Hashable, Codable {
    public var usedBytes: Int64
    /// The plan's allowance; `nil` for unlimited.
    public var limitBytes: Int64?
    public var periodStart: Date
    public var periodEnd: Date

    public init(usedBytes: Int64, limitBytes: Int64?, periodStart: Date, periodEnd: Date) throws(ValidationError) {
        guard usedBytes >= 0 else { throw ValidationError(.outOfRange, field: "used_bytes", "must not be negative") }
        guard periodEnd > periodStart else { throw ValidationError(.outOfRange, field: "period", "end before start") }
        self.usedBytes = usedBytes
        self.limitBytes = limitBytes
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }

    /// Used share of the allowance in per mille (0...1000+), `nil` when unlimited.
    public var usedPerMille: Int? {
        guard let limitBytes, limitBytes > 0 else { return nil }
        return Int(usedBytes.multipliedReportingOverflow(by: 1000).partialValue / limitBytes)
    }
}

/// A SIM line on the provisioning platform.
public struct SIMLine: Sendable, Hashable, Codable, Identifiable {
    /// The platform's line id.
    public let id: String
    public var accountID: String
    public var iccid: ICCID
    public var msisdn: MSISDN?
    /// The platform's plan code.
    public var plan: String
    public var status: SIMStatus
    public var usage: DataUsage?
    /// An asynchronous operation (plan change, activation) runs on the line; it is locked until it ends.
    public var pendingOperationID: String?

    public init(
        id: String, accountID: String, iccid: ICCID, msisdn: MSISDN?, plan: String, status: SIMStatus,
        usage: DataUsage? = nil, pendingOperationID: String? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.iccid = iccid
        self.msisdn = msisdn
        self.plan = plan
        self.status = status
        self.usage = usage
        self.pendingOperationID = pendingOperationID
    }
}

/// A slow, asynchronous operation on the SIM platform, polled until it ends.
public struct SIMOperation: Sendable, Hashable, Codable, Identifiable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case allocate, configure, activate, verify, planChange = "plan_change", release, deactivate
    }
    public enum Status: String, Sendable, Hashable, Codable {
        case pending, running, succeeded, failed
        public var isFinished: Bool { self == .succeeded || self == .failed }
    }

    public let id: String
    public var kind: Kind
    public var lineID: String
    public var status: Status
    /// The platform's error code when it failed.
    public var errorCode: String?
    public var errorMessage: String?

    public init(id: String, kind: Kind, lineID: String, status: Status, errorCode: String? = nil, errorMessage: String? = nil) {
        self.id = id
        self.kind = kind
        self.lineID = lineID
        self.status = status
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}
