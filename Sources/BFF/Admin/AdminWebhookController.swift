import Foundation
import Hummingbird
import Queue

/// `GET /admin/webhooks`, `GET /admin/webhooks/{id}` and `POST /admin/webhooks/{id}/replay`.
///
/// The inbox is deployment-wide: an inbox row carries no tenant (the upstream accounts serve the whole
/// deployment), so these routes are limited to the `admin` and `ops` roles rather than filtered by tenant.
struct AdminWebhookController: Sendable {
    static let list = "admin-webhooks"

    let services: AppServices
    let cursors: PortalCursorCodec

    /// Filters: `provider`, `status` (`received`, `processing`, `processed`, `failed`), `type` (exact event type);
    /// `limit` (1–100) and `cursor`. Newest first; no payloads.
    @Sendable func list(_ request: Request, context: StaffContext) async throws -> ListDTO<AdminWebhookDTO> {
        let staff = context.staff
        let query = try PortalListQuery(request, list: Self.list, user: staff.userID, codec: cursors)
        let parameters = request.uri.queryParameters
        var filter = WebhookFilter()
        filter.provider = try AdminAuditController.text(parameters.get("provider").map { String($0) }, field: "provider")
        filter.eventType = try AdminAuditController.text(parameters.get("type").map { String($0) }, field: "type")
        if let raw = parameters.get("status").map({ String($0) }) {
            guard let status = WebhookStatus(rawValue: raw) else { throw PortalProblems.validation(field: "status", "not a webhook status") }
            filter.status = status
        }
        var after: WebhookPageKey?
        if let cursor = query.cursor {
            let parts = (cursor.upstream ?? "").split(separator: "|")
            guard parts.count == 2, let seconds = Double(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
                throw PortalProblems.validation(field: "cursor", "not a cursor this list issued")
            }
            after = WebhookPageKey(receivedAt: Date(timeIntervalSince1970: seconds), id: id)
        }
        let page = try await services.store.webhooks.webhooks(filter: filter, after: after, limit: query.limit + 1)
        let items = Array(page.prefix(query.limit))
        var next: String?
        if page.count > query.limit, let last = items.last {
            let value = "\(last.receivedAt.timeIntervalSince1970)|\(last.id.uuidString.lowercased())"
            next = cursors.encode(PortalCursor(upstream: value, offset: nil), list: Self.list, user: staff.userID)
        }
        return ListDTO(data: items.map(AdminWebhookDTO.init), nextCursor: next)
    }

    /// One row with its headers, payload (text when UTF-8, else base64), attempts, last error and its
    /// `webhook.process` job (state, runs, failures and their messages) when the queue still holds it.
    @Sendable func inspect(_ request: Request, context: StaffContext) async throws -> AdminWebhookDetailDTO {
        let row = try await webhook(context)
        let job = try await services.jobs[WebhookProcessingJob.queue]?.job(id: WebhookProcessingJob.jobID(inboxID: row.id))
        return AdminWebhookDetailDTO(row, job: job)
    }

    /// Processes the row again (202 with the row): its dead job is retried with fresh attempts, a delayed one is
    /// made due, a missing or finished one is enqueued again; a waiting or running job is left alone. A processed
    /// row is 409 (processing it again would do nothing). Audited as `webhook.replay`.
    @Sendable func replay(_ request: Request, context: StaffContext) async throws -> EditedResponse<AdminWebhookDetailDTO> {
        let trail = AdminAuditTrail(services: services)
        let row: StoredWebhook
        do {
            row = try await webhook(context)
        } catch {
            await trail.record(context, action: "webhook.replay", subject: "webhook:\((context.parameters.get("id") ?? "").prefix(64).lowercased())", outcome: "denied", details: ["status": "404"])
            throw error
        }
        let subject = "webhook:\(row.id.uuidString.lowercased())"
        guard row.status != .processed else {
            await trail.record(context, action: "webhook.replay", subject: subject, outcome: "failure", details: ["status": "409", "webhook_status": row.status.rawValue])
            throw PortalProblems.conflict("This webhook was processed; replaying it would do nothing.")
        }
        guard let queue = services.jobs[WebhookProcessingJob.queue] else {
            throw PortalProblems.upstreamUnavailable("The webhooks queue is not configured.")
        }
        let now = services.clock.now()
        let millis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let jobID = WebhookProcessingJob.jobID(inboxID: row.id)
        let result: String
        switch try await queue.job(id: jobID)?.state {
        case .dead?:
            try await queue.retryDead(id: jobID, now: millis)
            result = "retried"
        case .delayed?:
            try await queue.promote(id: jobID, now: millis)
            result = "promoted"
        case .completed?:
            try await queue.remove(id: jobID)
            _ = try await WebhookProcessingJob.enqueue(inboxID: row.id, on: queue, now: now)
            result = "enqueued"
        case nil:
            _ = try await WebhookProcessingJob.enqueue(inboxID: row.id, on: queue, now: now)
            result = "enqueued"
        default:
            result = "pending"
        }
        await trail.record(context, action: "webhook.replay", subject: subject, outcome: "success", details: ["result": result, "provider": row.provider])
        let job = try await queue.job(id: jobID)
        return EditedResponse(status: .accepted, response: AdminWebhookDetailDTO(row, job: job))
    }

    private func webhook(_ context: StaffContext) async throws -> StoredWebhook {
        guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw), let row = try await services.store.webhooks.webhook(id: id) else {
            throw PortalProblems.notFound()
        }
        return row
    }
}
