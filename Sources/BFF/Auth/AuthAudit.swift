import Foundation
import Hummingbird
import Logging

/// Writes the audit rows of one auth request, with where it came from (client IP, user agent, request id).
///
/// Rows never hold a password, a token or a full email address. An audit write that fails is logged at error and
/// does not fail the request: a login must not depend on the audit table more than on the user table.
struct AuthAudit: Sendable {
    let log: any AuditLog
    let logger: Logger
    let now: Date
    let clientIP: String?
    let userAgent: String?
    let requestID: String

    init(services: AppServices, request: Request, context: AppRequestContext) {
        self.log = services.store.audit
        self.logger = context.logger
        self.now = services.clock.now()
        self.clientIP = context.requestMeta.clientIP
        self.userAgent = (context.requestMeta.userAgent ?? request.headers[.userAgent]).map { String($0.prefix(256)) }
        self.requestID = context.id
    }

    /// Appends a row about `user` (or an anonymous one when nil).
    func record(_ action: String, user: UserRecord?, outcome: String, details: [String: String] = [:]) async {
        let entry = AuditEntry(
            at: now,
            tenant: user?.tenant,
            actorID: user?.id,
            actorKind: user?.kind.rawValue ?? "anonymous",
            action: action,
            subject: user.map { "user:\($0.id.uuidString.lowercased())" },
            outcome: outcome,
            clientIP: clientIP,
            userAgent: userAgent,
            requestID: requestID,
            details: details
        )
        do {
            try await log.append(entry)
        } catch {
            logger.error("audit append failed", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }

    /// `a***@example.com`: enough to correlate failed logins, not enough to harvest addresses from the log.
    static func masked(email: String) -> String {
        let normalised = UserRecord.normalise(email: email)
        guard let at = normalised.lastIndex(of: "@"), at > normalised.startIndex else { return "***" }
        return "\(normalised.prefix(1))***\(normalised[at...].prefix(64))"
    }
}
