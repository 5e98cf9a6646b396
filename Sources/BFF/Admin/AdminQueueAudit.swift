import Foundation
import Hummingbird
import Logging

/// The audit row of an admin operations mutation (queue, job and cache actions): the staff actor, the action,
/// the subject and the outcome. A failing audit store is logged, not thrown: the action already happened.
struct AdminQueueAudit: Sendable {
    let services: AppServices

    func record(
        _ context: StaffContext, action: String, subject: String, outcome: String, details: [String: String] = [:]
    ) async {
        let entry = AuditEntry(
            at: services.clock.now(),
            tenant: context.staff.tenant,
            actorID: context.staff.userID,
            actorKind: UserKind.staff.rawValue,
            action: action,
            subject: String(subject.prefix(256)),
            outcome: outcome,
            clientIP: context.requestMeta.clientIP,
            userAgent: context.requestMeta.userAgent.map { String($0.prefix(256)) },
            requestID: context.id,
            details: details.merging(["roles": context.staff.roles.map(\.rawValue).sorted().joined(separator: ",")]) { first, _ in first }
        )
        do {
            try await services.store.audit.append(entry)
        } catch {
            context.logger.error("audit append failed", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }
}
