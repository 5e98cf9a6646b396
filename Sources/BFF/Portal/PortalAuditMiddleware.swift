import Foundation
public import Hummingbird
import Logging

/// Appends one audit row for every portal mutation (POST, PUT, PATCH, DELETE) that reaches its handler: who (the
/// customer from the token), what (`portal.<METHOD> <route template>`), on what (the request path, which names the
/// object), when, from where, and how it ended (`success` below 400, `denied` for 401/403/404, else `failure`).
///
/// A replayed idempotent request never reaches this middleware (the idempotency middleware answers it first), so one
/// mutation gives one row. A failed audit write is logged at error and does not fail the mutation, which has
/// already happened upstream.
public struct PortalAuditMiddleware: RouterMiddleware {
    public typealias Context = PortalContext
    let services: AppServices

    public init(services: AppServices) { self.services = services }

    public func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method) else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            await record(request, context: context, status: response.status.code)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            await record(request, context: context, status: status)
            throw error
        }
    }

    private func record(_ request: Request, context: PortalContext, status: Int) async {
        let outcome = status < 400 ? "success" : ([401, 403, 404].contains(status) ? "denied" : "failure")
        let entry = AuditEntry(
            at: services.clock.now(),
            tenant: context.customer.tenant,
            actorID: context.customer.userID,
            actorKind: UserKind.customer.rawValue,
            action: "portal.\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)",
            subject: String(request.uri.path.prefix(512)),
            outcome: outcome,
            clientIP: context.requestMeta.clientIP,
            userAgent: context.requestMeta.userAgent.map { String($0.prefix(256)) },
            requestID: context.id,
            details: ["status": String(status)]
        )
        do {
            try await services.store.audit.append(entry)
        } catch {
            context.logger.error("audit append failed", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }
}
