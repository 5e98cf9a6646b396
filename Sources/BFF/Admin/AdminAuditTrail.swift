public import Foundation
public import Hummingbird
import Logging

/// Writes the audit row of a staff mutation (the actor, tenant, request and roles come from the context).
///
/// A failed append is logged, never thrown: the mutation already happened and must be answered.
struct AdminAuditTrail: Sendable {
    let services: AppServices

    func record(_ context: StaffContext, action: String, subject: String, outcome: String, details: [String: String] = [:]) async {
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
