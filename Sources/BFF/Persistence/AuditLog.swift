public import Foundation

/// One append-only audit row: who did what to what, when and from where.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Assigned by the store (monotonic per store); 0 before appending.
    public var id: Int64
    public var at: Date
    public var tenant: String?
    /// The acting user's id, or nil for anonymous actions (a failed login for an unknown email).
    public var actorID: UUID?
    /// `customer`, `staff`, `system` or `anonymous`.
    public var actorKind: String
    /// Dotted verb: `auth.login`, `auth.login_failed`, `auth.lockout`, `auth.refresh_reuse`, `case.create`, …
    public var action: String
    /// What was acted on, e.g. `user:<uuid>`, `sim:<id>`, `case:<id>`.
    public var subject: String?
    /// `success`, `failure` or `denied`.
    public var outcome: String
    public var clientIP: String?
    public var userAgent: String?
    public var requestID: String?
    /// Small extra facts; never passwords, tokens or full emails.
    public var details: [String: String]

    public init(
        id: Int64 = 0,
        at: Date,
        tenant: String?,
        actorID: UUID?,
        actorKind: String,
        action: String,
        subject: String?,
        outcome: String,
        clientIP: String? = nil,
        userAgent: String? = nil,
        requestID: String? = nil,
        details: [String: String] = [:]
    ) {
        self.id = id
        self.at = at
        self.tenant = tenant
        self.actorID = actorID
        self.actorKind = actorKind
        self.action = action
        self.subject = subject
        self.outcome = outcome
        self.clientIP = clientIP
        self.userAgent = userAgent
        self.requestID = requestID
        self.details = details
    }
}

/// Which audit rows to list (all fields optional, combined with AND).
public struct AuditFilter: Sendable, Hashable {
    public var tenant: String?
    public var actorID: UUID?
    public var action: String?
    public var subject: String?
    public var from: Date?
    public var until: Date?

    public init(tenant: String? = nil, actorID: UUID? = nil, action: String? = nil, subject: String? = nil, from: Date? = nil, until: Date? = nil) {
        self.tenant = tenant
        self.actorID = actorID
        self.action = action
        self.subject = subject
        self.from = from
        self.until = until
    }
}

/// The append-only audit log. There is no update or delete in this protocol, and the PostgreSQL table refuses
/// them with a trigger.
public protocol AuditLog: Sendable {
    /// Appends a row and returns it with its id.
    @discardableResult
    func append(_ entry: AuditEntry) async throws -> AuditEntry
    /// Newest first; `before` is the id of the last row of the previous page.
    func entries(matching filter: AuditFilter, before: Int64?, limit: Int) async throws -> [AuditEntry]
}
