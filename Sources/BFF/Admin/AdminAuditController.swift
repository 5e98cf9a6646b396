public import Foundation
public import Hummingbird
import Logging

/// `GET /admin/audit`: the staff member's tenant's audit rows, newest first. Read-only: the log is append-only and
/// no admin route changes it.
struct AdminAuditController: Sendable {
    static let list = "admin-audit"

    let services: AppServices
    let cursors: PortalCursorCodec

    /// Filters: `actor` (a user id), `action` (exact, e.g. `order.cancel`), `subject` (exact, e.g. `order:<id>`),
    /// `from` / `until` (ISO-8601; from inclusive, until exclusive); `limit` (1–100) and `cursor`.
    @Sendable func list(_ request: Request, context: StaffContext) async throws -> ListDTO<AdminAuditEntryDTO> {
        let staff = context.staff
        let query = try PortalListQuery(request, list: Self.list, user: staff.userID, codec: cursors)
        let parameters = request.uri.queryParameters
        var filter = AuditFilter(tenant: staff.tenant)
        if let raw = parameters.get("actor").map({ String($0) }) {
            guard let id = UUID(uuidString: raw) else { throw PortalProblems.validation(field: "actor", "must be a user id (UUID)") }
            filter.actorID = id
        }
        filter.action = try Self.text(parameters.get("action").map { String($0) }, field: "action")
        filter.subject = try Self.text(parameters.get("subject").map { String($0) }, field: "subject")
        filter.from = try Self.date(parameters.get("from").map { String($0) }, field: "from")
        filter.until = try Self.date(parameters.get("until").map { String($0) }, field: "until")
        var before: Int64?
        if let cursor = query.cursor {
            guard let id = cursor.upstream.flatMap({ Int64($0) }) else { throw PortalProblems.validation(field: "cursor", "not a cursor this list issued") }
            before = id
        }
        let page = try await services.store.audit.entries(matching: filter, before: before, limit: query.limit + 1)
        let items = Array(page.prefix(query.limit))
        var next: String?
        if page.count > query.limit, let last = items.last {
            next = cursors.encode(PortalCursor(upstream: String(last.id), offset: nil), list: Self.list, user: staff.userID)
        }
        return ListDTO(data: items.map(AdminAuditEntryDTO.init), nextCursor: next)
    }

    static func text(_ raw: String?, field: String) throws -> String? {
        guard let raw else { return nil }
        guard (1...200).contains(raw.count) else { throw PortalProblems.validation(field: field, "must be 1 to 200 characters") }
        return raw
    }

    static func date(_ raw: String?, field: String) throws -> Date? {
        guard let raw else { return nil }
        guard let date = try? Date(raw, strategy: .iso8601) else { throw PortalProblems.validation(field: field, "must be an ISO-8601 date-time") }
        return date
    }
}

/// One audit row as staff see it.
public struct AdminAuditEntryDTO: Codable, Sendable {
    public let id: Int64
    public let at: Date
    public let actorID: String?
    public let actorKind: String
    public let action: String
    public let subject: String?
    public let outcome: String
    public let clientIP: String?
    public let requestID: String?
    public let details: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, at, action, subject, outcome, details
        case actorID = "actor_id"
        case actorKind = "actor_kind"
        case clientIP = "client_ip"
        case requestID = "request_id"
    }

    init(_ entry: AuditEntry) {
        self.id = entry.id
        self.at = entry.at
        self.actorID = entry.actorID?.uuidString.lowercased()
        self.actorKind = entry.actorKind
        self.action = entry.action
        self.subject = entry.subject
        self.outcome = entry.outcome
        self.clientIP = entry.clientIP
        self.requestID = entry.requestID
        self.details = entry.details
    }
}
