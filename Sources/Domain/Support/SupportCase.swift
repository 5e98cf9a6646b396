public import Foundation

public enum CaseStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case new
    case working
    case escalated
    case waitingOnCustomer = "waiting_on_customer"
    case closed
}

public enum CasePriority: String, Sendable, Hashable, Codable, CaseIterable {
    case low, medium, high, urgent
}

/// How long support has to answer a case of each priority.
public struct SLAPolicy: Sendable, Hashable {
    public var responseTimes: [CasePriority: Duration]

    public static let standard = SLAPolicy(responseTimes: [
        .urgent: .seconds(4 * 3600), .high: .seconds(8 * 3600), .medium: .seconds(24 * 3600), .low: .seconds(72 * 3600),
    ])

    public init(responseTimes: [CasePriority: Duration]) { self.responseTimes = responseTimes }

    /// When a case of `priority` opened at `openedAt` is due (calendar hours; no clock read here).
    public func dueDate(priority: CasePriority, openedAt: Date) -> Date {
        let seconds = (responseTimes[priority] ?? .seconds(72 * 3600)).components.seconds
        return openedAt.addingTimeInterval(TimeInterval(seconds))
    }
}

public struct CaseComment: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public var body: String
    /// A display name; never an e-mail address.
    public var author: String?
    /// Whether the customer may see it (CRMs keep internal notes on the same case).
    public var isPublic: Bool
    public var createdAt: Date?

    public init(id: String, body: String, author: String?, isPublic: Bool, createdAt: Date?) {
        self.id = id
        self.body = body
        self.author = author
        self.isPublic = isPublic
        self.createdAt = createdAt
    }
}

/// A support case with its comments and the time support must answer by.
public struct SupportCase: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public var number: String?
    public var accountID: String?
    public var subject: String
    public var description: String?
    public var status: CaseStatus
    public var priority: CasePriority
    public var openedAt: Date?
    public var closedAt: Date?
    public var slaDueAt: Date?
    public var comments: [CaseComment]

    public init(
        id: String, number: String?, accountID: String?, subject: String, description: String?, status: CaseStatus,
        priority: CasePriority, openedAt: Date?, closedAt: Date? = nil, slaDueAt: Date? = nil, comments: [CaseComment] = []
    ) {
        self.id = id
        self.number = number
        self.accountID = accountID
        self.subject = subject
        self.description = description
        self.status = status
        self.priority = priority
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.slaDueAt = slaDueAt
        self.comments = comments
    }

    /// Whether the case is open past its SLA at `now`.
    public func isBreachingSLA(at now: Date) -> Bool {
        guard status != .closed, let slaDueAt else { return false }
        return slaDueAt < now
    }
}

/// A new case as a customer submits it.
public struct CaseDraft: Sendable, Hashable, Codable {
    public var accountID: String
    public var subject: String
    public var description: String
    public var priority: CasePriority

    public init(accountID: String, subject: String, description: String, priority: CasePriority) throws(ValidationError) {
        let subject = subject.trimmingWhitespace()
        guard !subject.isEmpty else { throw ValidationError(.required, field: "subject", "a subject is required") }
        guard subject.count <= 255 else { throw ValidationError(.tooLong, field: "subject", "at most 255 characters") }
        guard description.count <= 32_000 else { throw ValidationError(.tooLong, field: "description", "at most 32000 characters") }
        self.accountID = accountID
        self.subject = subject
        self.description = description
        self.priority = priority
    }
}

/// A comment to add to a case.
public struct CaseCommentDraft: Sendable, Hashable, Codable {
    public var body: String
    public var isPublic: Bool

    public init(body: String, isPublic: Bool = true) throws(ValidationError) {
        let trimmed = body.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw ValidationError(.required, field: "body", "a comment is required") }
        guard trimmed.count <= 4000 else { throw ValidationError(.tooLong, field: "body", "at most 4000 characters") }
        self.body = trimmed
        self.isPublic = isPublic
    }
}
