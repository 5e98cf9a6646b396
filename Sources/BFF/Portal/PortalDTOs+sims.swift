public import Foundation
public import Hummingbird
import Domain

/// A SIM line (`GET /sims`, `GET /sims/{id}`, the dashboard).
public struct SIMLineDTO: ResponseCodable, Sendable, Hashable {
    /// The platform's line id (the national phone number, e.g. `09012345678`).
    public let id: String
    /// The card's ICCID (18 to 22 digits).
    public let iccid: String
    /// The phone number in E.164 form without `+`, when one is assigned.
    public let msisdn: String?
    /// The platform's plan code, e.g. `SIM-5GB`.
    public let plan: String
    /// `allocated`, `configured`, `active`, `suspended`, `deactivated` or `released`.
    public let status: String
    /// Set while an operation (a plan change, an activation) runs on the line; the line is locked until it ends.
    public let pendingOperationID: String?

    enum CodingKeys: String, CodingKey {
        case id, iccid, msisdn, plan, status
        case pendingOperationID = "pending_operation_id"
    }

    init(_ line: SIMLine) {
        self.id = line.id
        self.iccid = line.iccid.value
        self.msisdn = line.msisdn?.value
        self.plan = line.plan
        self.status = line.status.rawValue
        self.pendingOperationID = line.pendingOperationID
    }
}

/// `GET /sims/{id}/usage`: data used in the current billing period.
public struct DataUsageDTO: ResponseCodable, Sendable, Hashable {
    public let lineID: String
    public let usedBytes: Int64
    /// The plan's allowance in bytes; omitted for unlimited plans.
    public let limitBytes: Int64?
    /// Used share of the allowance in per mille (0…1000, more when over); omitted for unlimited plans.
    public let usedPerMille: Int?
    public let periodStart: Date
    public let periodEnd: Date

    enum CodingKeys: String, CodingKey {
        case lineID = "line_id"
        case usedBytes = "used_bytes"
        case limitBytes = "limit_bytes"
        case usedPerMille = "used_per_mille"
        case periodStart = "period_start"
        case periodEnd = "period_end"
    }

    init(lineID: String, usage: DataUsage) {
        self.lineID = lineID
        self.usedBytes = usage.usedBytes
        self.limitBytes = usage.limitBytes
        self.usedPerMille = usage.usedPerMille
        self.periodStart = usage.periodStart
        self.periodEnd = usage.periodEnd
    }
}

/// `POST /sims/{id}/plan-change` body.
public struct PlanChangeRequestDTO: Codable, Sendable {
    /// The plan code to switch to (1 to 64 of `A-Z a-z 0-9 - _ .`), e.g. `SIM-20GB`; must differ from the current plan.
    public let plan: String
}

/// `POST /sims/{id}/plan-change` answer (202): the change is queued and runs in the background.
public struct PlanChangeAcceptedDTO: ResponseCodable, Sendable {
    /// Identifies this change (`op_` and 32 hex digits); also the job's id stem on the `fulfillment` queue.
    public let operationID: String
    /// Always `queued` in this answer.
    public let status: String
    public let lineID: String
    public let plan: String

    enum CodingKeys: String, CodingKey {
        case status, plan
        case operationID = "operation_id"
        case lineID = "line_id"
    }
}
