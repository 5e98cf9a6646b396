import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Queue

/// `GET /admin/orders` (list and filter, newest first, signed keyset cursor), `POST /admin/orders/{id}/cancel` and
/// `POST /admin/orders/{id}/retry`.
///
/// Staff see and act on their own tenant's orders only: another tenant's order is 404, like a missing one.
struct AdminOrderListController: Sendable {
    static let list = "admin-orders"

    let services: AppServices
    let cursors: PortalCursorCodec

    /// Filters: `status`, `customer` (Atrium user id), `created_from` / `created_until` (ISO-8601; from inclusive, until exclusive);
    /// `limit` (1–100) and `cursor`. The cursor is bound to the staff member, not to the filters: send the same
    /// filters with it.
    @Sendable func list(_ request: Request, context: StaffContext) async throws -> ListDTO<OrderDTO> {
        let staff = context.staff
        let query = try PortalListQuery(request, list: Self.list, user: staff.userID, codec: cursors)
        let parameters = request.uri.queryParameters
        var filter = OrderFilter(tenant: staff.tenant)
        if let raw = parameters.get("status") {
            guard let status = OrderStatus(rawValue: String(raw)) else { throw PortalProblems.validation(field: "status", "not an order status") }
            filter.status = status
        }
        if let raw = parameters.get("customer") {
            guard let id = UUID(uuidString: String(raw)) else { throw PortalProblems.validation(field: "customer", "must be a user id (UUID)") }
            filter.userID = id
        }
        filter.createdFrom = try AdminAuditController.date(parameters.get("created_from").map { String($0) }, field: "created_from")
        filter.createdUntil = try AdminAuditController.date(parameters.get("created_until").map { String($0) }, field: "created_until")
        let after = try query.cursor.map(OrderController.pageKey)
        let page = try await services.store.orders.orders(filter: filter, after: after, limit: query.limit + 1)
        let items = Array(page.prefix(query.limit))
        var next: String?
        if page.count > query.limit, let last = items.last {
            next = cursors.encode(PortalCursor(upstream: OrderController.cursorValue(last), offset: nil), list: Self.list, user: staff.userID)
        }
        return ListDTO(data: items.map(OrderDTO.init), nextCursor: next)
    }

    /// Cancels an order (`draft`, `pending_approval`, `approved` or `provisioning` → `cancelled`): 200 with the
    /// order. When fulfillment has started, its `order.fulfill` job is made to run now so the saga compensates
    /// what it did (see ``SagaRun``): enqueued when missing, promoted when delayed or snoozed, retried when dead.
    /// Already cancelled: 200, nothing changes. Any other status: 409. Audited as `order.cancel`.
    @Sendable func cancel(_ request: Request, context: StaffContext) async throws -> OrderDetailDTO {
        let trail = AdminAuditTrail(services: services)
        let raw = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: raw), let order = try await services.store.orders.order(id: id), order.tenant == context.staff.tenant else {
            await trail.record(context, action: "order.cancel", subject: "order:\(raw.prefix(64).lowercased())", outcome: "denied", details: ["status": "404"])
            throw PortalProblems.notFound()
        }
        let subject = "order:\(id.uuidString.lowercased())"
        let cancelled: Order
        var result = "cancelled"
        do {
            cancelled = try await services.ledger.transition(
                orderID: id, to: .cancelled, step: "admin.cancel", reason: "cancelled by staff \(context.staff.userID.uuidString.lowercased())"
            )
        } catch let error as OrderTransitionError where error.isNoOp {
            cancelled = order
            result = "already_cancelled"
        } catch let error as OrderTransitionError {
            await trail.record(context, action: "order.cancel", subject: subject, outcome: "failure", details: ["status": "409", "order_status": error.from.rawValue])
            throw OrderProblems.wrongStatus(error.from, operation: "cancelled")
        }
        let compensation = try await ensureCompensation(cancelled)
        await trail.record(context, action: "order.cancel", subject: subject, outcome: "success", details: ["result": result, "compensation": compensation])
        guard let fresh = try await services.store.orders.order(id: id) else { throw PortalProblems.notFound() }
        let timeline = try await services.store.orders.timeline(orderID: id, afterSeq: 0)
        return OrderDetailDTO(fresh, timeline: timeline)
    }

    /// Retries a failed saga (``Domain/Order/sagaRetry()``); 202 with the order.
    ///
    /// - `compensation_failed` (order `failed` or `cancelled`): the saga's `order.fulfill` job is made to run now
    ///   (retried when dead, promoted when delayed, enqueued when gone) and resumes the compensations that failed.
    /// - `failed` with nothing left to undo (saga `compensated` or `idle`) and a CRM order: the order goes back to
    ///   `approved` as a new saga generation (timeline step `staff.retry`) whose job runs every step again under
    ///   new keys; the earlier generation's step records stay.
    ///
    /// Any other state: 409 `order-not-retryable`, nothing changes. Audited as `order.retry`.
    @Sendable func retry(_ request: Request, context: StaffContext) async throws -> EditedResponse<OrderDetailDTO> {
        let trail = AdminAuditTrail(services: services)
        let raw = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: raw), let order = try await services.store.orders.order(id: id), order.tenant == context.staff.tenant
        else {
            let subject = "order:\(raw.prefix(64).lowercased())"
            await trail.record(context, action: "order.retry", subject: subject, outcome: "denied", details: ["status": "404"])
            throw PortalProblems.notFound()
        }
        let subject = "order:\(id.uuidString.lowercased())"
        let staff = context.staff.userID.uuidString.lowercased()
        func refuse(_ refusal: SagaRetryRefused) async -> Problem {
            let details = ["status": "409", "order_status": refusal.status.rawValue, "saga": refusal.saga.rawValue]
            await trail.record(context, action: "order.retry", subject: subject, outcome: "failure", details: details)
            return OrderProblems.notRetryable(refusal)
        }
        let kind: SagaRetry
        do {
            kind = try order.sagaRetry()
        } catch {
            throw await refuse(error)
        }
        let generation: Int
        let job: String
        switch kind {
        case .resumeCompensation:
            generation = order.sagaGeneration
            try await services.ledger.record(
                orderID: id, step: "staff.retry", outcome: .received,
                reason: "staff \(staff) retried the compensations of saga generation \(generation)"
            )
            job = try await ensureRun(order)
        case .newGeneration:
            let started: Order
            do {
                started = try await services.ledger.startNextSagaGeneration(orderID: id, after: order.sagaGeneration, step: "staff.retry") {
                    "retried by staff \(staff): saga generation \($0)"
                }
            } catch let refusal as SagaRetryRefused {
                throw await refuse(refusal)
            }
            generation = started.sagaGeneration
            job = try await ensureRun(started)
        }
        await trail.record(
            context, action: "order.retry", subject: subject, outcome: "success",
            details: ["status": "202", "result": kind.rawValue, "generation": String(generation), "job": job]
        )
        guard let fresh = try await services.store.orders.order(id: id) else { throw PortalProblems.notFound() }
        let timeline = try await services.store.orders.timeline(orderID: id, afterSeq: 0)
        return EditedResponse(status: .accepted, response: OrderDetailDTO(fresh, timeline: timeline))
    }

    /// Makes sure a started saga runs again to compensate: `not_needed`, `queued`, `promoted`, `retried` or `pending`
    /// (the job is waiting or running already).
    private func ensureCompensation(_ order: Order) async throws -> String {
        guard order.saga == .running || order.saga == .compensating else { return "not_needed" }
        return try await ensureRun(order)
    }

    /// Makes the `order.fulfill` job of the order's saga generation run now: `queued` (enqueued, also in place of a
    /// finished one), `promoted` (was delayed or snoozed), `retried` (was dead) or `pending` (waiting or running
    /// already); `not_needed` without a fulfillment queue.
    private func ensureRun(_ order: Order) async throws -> String {
        guard let queue = services.jobs[FulfillmentJob.queue] else { return "not_needed" }
        let now = services.clock.now()
        let millis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let generation = order.sagaGeneration
        if try await FulfillmentJob.enqueue(orderID: order.id, on: queue, now: now, generation: generation) { return "queued" }
        let jobID = FulfillmentJob.jobID(orderID: order.id, generation: generation)
        switch try await queue.job(id: jobID)?.state {
        case .delayed?:
            try await queue.promote(id: jobID, now: millis)
            return "promoted"
        case .dead?:
            try await queue.retryDead(id: jobID, now: millis)
            return "retried"
        case .completed?:
            // A finished job blocks its id: remove it and queue a fresh run.
            try await queue.remove(id: jobID)
            _ = try await FulfillmentJob.enqueue(orderID: order.id, on: queue, now: now, generation: generation)
            return "queued"
        case nil:
            _ = try await FulfillmentJob.enqueue(orderID: order.id, on: queue, now: now, generation: generation)
            return "queued"
        default:
            return "pending"
        }
    }
}
