import Domain
import Foundation
import Hummingbird
import Logging

/// `GET /sims`, `GET /sims/{id}`, `GET /sims/{id}/usage`, `POST /sims/{id}/plan-change`.
///
/// Lines belong to the account's SIM link; another account's line is 404, the same as an unknown one.
struct SIMController: Sendable {
    let services: AppServices
    let cursors: PortalCursorCodec
    var reads: PortalReads { PortalReads(services: services) }

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.get("sims", use: lines)
        routes.get("sims/:id", use: line)
        routes.get("sims/:id/usage", use: usage)
        routes.post("sims/:id/plan-change", use: changePlan)
        return routes
    }

    /// Every line of the account, paged in memory in the platform's order.
    @Sendable func lines(_ request: Request, context: PortalContext) async throws -> CachedResponse<ListDTO<SIMLineDTO>> {
        let user = context.customer.userID
        let query = try PortalListQuery(request, list: "sims", user: user, codec: cursors)
        guard let sim = try await accounts(context).sim.value() else {
            return CachedResponse(body: ListDTO(data: [], nextCursor: nil), cache: nil)
        }
        let result = try await reads.simLines(sim, scope: context.customer.cacheScope)
        let page = query.page(of: result.value, user: user, codec: cursors)
        return CachedResponse(body: ListDTO(data: page.items.map(SIMLineDTO.init), nextCursor: page.nextCursor), cache: result.status)
    }

    @Sendable func line(_ request: Request, context: PortalContext) async throws -> CachedResponse<SIMLineDTO> {
        let id = try context.objectID("id")
        guard let sim = try await accounts(context).sim.value() else { throw PortalProblems.notFound() }
        let result = try await reads.simLine(sim, id: id, scope: context.customer.cacheScope)
        return CachedResponse(body: SIMLineDTO(result.value), cache: result.status)
    }

    /// Usage of the current period; ownership is checked on the line first. `X-Cache` is the usage read's.
    @Sendable func usage(_ request: Request, context: PortalContext) async throws -> CachedResponse<DataUsageDTO> {
        let id = try context.objectID("id")
        guard let sim = try await accounts(context).sim.value() else { throw PortalProblems.notFound() }
        let scope = context.customer.cacheScope
        let line = try await reads.simLine(sim, id: id, scope: scope).value
        let result = try await reads.simUsage(sim, lineID: line.id, scope: scope)
        return CachedResponse(body: DataUsageDTO(lineID: line.id, usage: result.value), cache: result.status)
    }

    /// Queues a plan change for one of the account's lines and answers 202 with the operation id.
    ///
    /// The body is `{"plan": "<plan code>"}`; a plan equal to the line's current one is 409. The change itself
    /// runs as a `sim.plan-change` job on the `fulfillment` queue (``PlanChangeJob``).
    @Sendable func changePlan(_ request: Request, context: PortalContext) async throws -> CachedResponse<PlanChangeAcceptedDTO> {
        let id = try context.objectID("id")
        let body = try await PortalRequestBody.decode(PlanChangeRequestDTO.self, from: request, context: context)
        let plan = body.plan.trimmingCharacters(in: .whitespaces)
        try Self.validate(plan: plan)
        guard let sim = try await accounts(context).sim.value() else { throw PortalProblems.notFound() }
        let line = try await reads.simLine(sim, id: id, scope: context.customer.cacheScope).value
        guard line.plan != plan else { throw PortalProblems.conflict("The line is already on this plan.") }
        guard let queue = services.jobs[PlanChangeJob.queue] else {
            throw PortalProblems.upstreamUnavailable("The job queue is not configured.")
        }
        let operationID = "op_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let payload = PlanChangeJob.Payload(
            userID: context.customer.userID, tenant: context.customer.tenant, lineID: line.id, plan: plan, operationID: operationID
        )
        _ = try await PlanChangeJob.enqueue(payload, on: queue, now: services.clock.now())
        context.logger.info("plan change queued", metadata: ["operation": "\(operationID)"])
        let accepted = PlanChangeAcceptedDTO(operationID: operationID, status: "queued", lineID: line.id, plan: plan)
        return CachedResponse(body: accepted, cache: nil, status: .accepted)
    }

    /// A plan code: 1 to 64 of `A-Z a-z 0-9 - _ .`.
    static func validate(plan: String) throws {
        guard !plan.isEmpty else { throw PortalProblems.validation(field: "plan", "a plan code is required") }
        guard plan.utf8.count <= 64 else { throw PortalProblems.validation(field: "plan", "at most 64 characters") }
        let allowed = plan.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
                || byte == 0x2E
        }
        guard allowed else { throw PortalProblems.validation(field: "plan", "letters, digits, - _ . only") }
    }

    private func accounts(_ context: PortalContext) async throws -> CustomerAccounts {
        try await CustomerAccounts.resolve(context.customer, services: services)
    }
}
