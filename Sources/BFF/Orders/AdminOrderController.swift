import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Staff actions on orders: `POST /admin/orders/{id}/approve`.
///
/// Staff act on their own tenant's orders only: an order of another tenant answers 404, like a missing one.
/// Every attempt that reaches the handler leaves an audit row (`order.approve`, subject `order:<id>`).
struct AdminOrderController: Sendable {
    /// The roles that may approve orders.
    static let approvers: Set<Role> = [.admin, .ops, .sales]
    /// Statuses an approval is refused in (409).
    static let refused: Set<OrderStatus> = [.draft, .cancelled, .failed]

    let services: AppServices

    var routes: RouteCollection<StaffContext> {
        let routes = RouteCollection(context: StaffContext.self)
        routes.add(middleware: StaffRoleGate(allowing: Self.approvers, services: services))
        routes.post("orders/:id/approve", use: approve)
        return routes
    }

    /// Approves a `pending_approval` order: it moves to `approved` and its fulfillment job (`order.fulfill`) is
    /// enqueued; 202 with the order. Already approved or further along: 200 with the order and no second job.
    /// A `draft`, `cancelled` or `failed` order: 409.
    @Sendable func approve(_ request: Request, context: StaffContext) async throws -> EditedResponse<OrderDetailDTO> {
        let staff = context.staff
        guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw),
            let order = try await services.store.orders.order(id: id), order.tenant == staff.tenant
        else {
            await audit(context, orderID: context.parameters.get("id") ?? "", outcome: "denied", details: ["status": "404"])
            throw PortalProblems.notFound()
        }
        let subject = id.uuidString.lowercased()
        // The state machine lets staff move a failed order back to `approved`, but that is a retry (its own
        // route), not an approval: only a pending order (or one already approved) is approved here.
        if Self.refused.contains(order.status) {
            await audit(context, orderID: subject, outcome: "failure", details: ["status": "409", "order_status": order.status.rawValue])
            throw OrderProblems.wrongStatus(order.status, operation: "approved")
        }
        let outcome: OrderApproval.Outcome
        do {
            outcome = try await services.approvals.approve(
                orderID: id, source: "staff", reason: "approved by \(staff.userID.uuidString.lowercased())"
            )
        } catch let error as OrderTransitionError {
            await audit(context, orderID: subject, outcome: "failure", details: ["status": "409", "order_status": error.from.rawValue])
            throw OrderProblems.wrongStatus(error.from, operation: "approved")
        }
        let (result, status): (String, HTTPResponse.Status) =
            switch outcome {
            case .approved: ("approved", .accepted)
            case .alreadyApproved: ("already_approved", .ok)
            }
        await audit(context, orderID: subject, outcome: "success", details: ["status": "\(status.code)", "result": result])
        context.logger.info("order approval", metadata: ["order": "\(subject)", "result": "\(result)"])
        guard let fresh = try await services.store.orders.order(id: id) else { throw PortalProblems.notFound() }
        let timeline = try await services.store.orders.timeline(orderID: id, afterSeq: 0)
        return EditedResponse(status: status, response: OrderDetailDTO(fresh, timeline: timeline))
    }

    /// The `order.approve` row, written by the one admin audit writer.
    private func audit(_ context: StaffContext, orderID: String, outcome: String, details: [String: String]) async {
        await AdminAuditTrail(services: services).record(
            context, action: "order.approve", subject: "order:\(orderID.prefix(64))", outcome: outcome, details: details
        )
    }
}
