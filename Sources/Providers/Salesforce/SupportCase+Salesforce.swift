import Domain
import Foundation

/// Salesforce `Case.Status` and `Case.Priority` picklist values and what they mean to Atrium.
enum SalesforceCasePicklists {
    static let statuses: [String: CaseStatus] = [
        "new": .new, "working": .working, "escalated": .escalated, "waiting on customer": .waitingOnCustomer,
        "closed": .closed,
    ]
    static let priorities: [String: CasePriority] = [
        "low": .low, "medium": .medium, "high": .high, "urgent": .urgent, "critical": .urgent,
    ]

    /// The picklist value Atrium writes for `priority`.
    static func label(_ priority: CasePriority) -> String {
        switch priority {
        case .low: "Low"
        case .medium: "Medium"
        case .high: "High"
        case .urgent: "Urgent"
        }
    }
}

extension SupportCase {
    /// Maps a `Case` record.
    ///
    /// A status outside the table falls back on `IsClosed` when the query selected it (`closed` or `working`:
    /// orgs add their own open statuses); without `IsClosed` it is `.invalidPayload`. A case without a priority
    /// is `medium`, one without a subject gets an empty subject. The SLA due time is `SLA_Due__c` when the org has
    /// that field and it is set, else `sla` applied to `CreatedDate`.
    ///
    /// - Throws: `.invalidPayload` at `path` for an unknown status or priority or a malformed date-time.
    init(salesforce raw: SalesforceCase, comments: [CaseComment] = [], sla: SLAPolicy = .standard, path: String = "$") throws(ProviderError) {
        let status: CaseStatus
        if let known = SalesforceCasePicklists.statuses[raw.status.lowercased()] {
            status = known
        } else if let isClosed = raw.isClosed {
            status = isClosed ? .closed : .working
        } else {
            throw .invalidPayload(.salesforce, path: path + ".Status", "unknown case status")
        }
        var priority = CasePriority.medium
        if let label = raw.priority.nonBlank {
            guard let known = SalesforceCasePicklists.priorities[label.lowercased()] else {
                throw .invalidPayload(.salesforce, path: path + ".Priority", "unknown case priority")
            }
            priority = known
        }
        let openedAt = try SalesforceFormats.dateTime(raw.createdDate, path: path + ".CreatedDate")
        let closedAt = try raw.closedDate.map { text throws(ProviderError) in
            try SalesforceFormats.dateTime(text, path: path + ".ClosedDate")
        }
        let slaDueAt = try raw.slaDue.map { text throws(ProviderError) in
            try SalesforceFormats.dateTime(text, path: path + ".SLA_Due__c")
        } ?? sla.dueDate(priority: priority, openedAt: openedAt)
        self.init(
            id: raw.id,
            number: raw.caseNumber,
            accountID: raw.accountID,
            subject: raw.subject ?? "",
            description: raw.description.nonBlank,
            status: status,
            priority: priority,
            openedAt: openedAt,
            closedAt: closedAt,
            slaDueAt: slaDueAt,
            comments: comments
        )
    }
}

extension CaseComment {
    /// Maps a `CaseComment` record: `IsPublished` says whether the customer may see it, the author is
    /// `CreatedBy.Name`.
    ///
    /// - Throws: `.invalidPayload` at `path` for a malformed `CreatedDate`.
    init(salesforce raw: SalesforceCaseComment, path: String = "$") throws(ProviderError) {
        let createdAt = try raw.createdDate.map { text throws(ProviderError) in
            try SalesforceFormats.dateTime(text, path: path + ".CreatedDate")
        }
        self.init(id: raw.id, body: raw.commentBody, author: raw.createdBy?.name.nonBlank, isPublic: raw.isPublished, createdAt: createdAt)
    }
}
