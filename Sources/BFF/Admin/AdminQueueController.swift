import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Queue

/// Staff views and repairs of the product job queues (`/admin/queues…`, `/admin/jobs/{id}/retry`).
///
/// Queues are shared infrastructure of the deployment (not tenant data), so they are open to the operating
/// roles only (``roles``). Every mutation leaves an audit row (``AdminAuditTrail``): `queue.job.retry`,
/// `queue.job.remove`, `queue.job.promote`, `queue.pause`, `queue.resume`, `queue.dead.replay`.
struct AdminQueueController: Sendable {
    static let roles: Set<Role> = [.admin, .ops]
    /// Dead jobs one replay moves back to waiting, at most.
    static let maxReplay = 100
    static let defaultLimit = 20
    static let maxLimit = 100

    let services: AppServices
    var audit: AdminAuditTrail { AdminAuditTrail(services: services) }

    var routes: RouteCollection<StaffContext> {
        let routes = RouteCollection(context: StaffContext.self)
        routes.add(middleware: StaffRoleGate(allowing: Self.roles, services: services))
        routes.get("queues", use: list)
        routes.get("queues/:name/jobs", use: jobs)
        routes.get("queues/:name/jobs/:id", use: job)
        routes.post("queues/:name/jobs/:id/retry") { try await jobAction($0, $1, action: "retry") }
        routes.post("queues/:name/jobs/:id/remove") { try await jobAction($0, $1, action: "remove") }
        routes.post("queues/:name/jobs/:id/promote") { try await jobAction($0, $1, action: "promote") }
        routes.post("queues/:name/pause") { try await pauseOrResume($0, $1, pause: true) }
        routes.post("queues/:name/resume") { try await pauseOrResume($0, $1, pause: false) }
        routes.post("queues/:name/dead/replay", use: replayDead)
        routes.post("jobs/:id/retry", use: retryAnywhere)
        return routes
    }

    var now: Int64 { Int64(services.clock.now().timeIntervalSince1970 * 1000) }

    @Sendable func list(_ request: Request, context: StaffContext) async throws -> AdminQueueListDTO {
        var summaries: [AdminQueueSummaryDTO] = []
        for (name, queue) in services.jobs.all {
            let counts = try await queue.counts()
            let throughput = try await AdminQueueThroughput.measure(queue, now: now)
            summaries.append(AdminQueueSummaryDTO(name: name, paused: counts.paused, counts: AdminQueueCountsDTO(counts), throughput: throughput))
        }
        return AdminQueueListDTO(data: summaries)
    }

    @Sendable func jobs(_ request: Request, context: StaffContext) async throws -> AdminJobListDTO {
        let (name, queue) = try resolveQueue(context)
        let stateRaw = request.uri.queryParameters.get("state") ?? JobState.waiting.rawValue
        guard let state = JobState(rawValue: stateRaw) else {
            throw PortalProblems.validation(field: "state", "must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        var limit = Self.defaultLimit
        if let raw = request.uri.queryParameters.get("limit") {
            guard let value = Int(raw), (1...Self.maxLimit).contains(value) else {
                throw PortalProblems.validation(field: "limit", "must be an integer from 1 to \(Self.maxLimit).")
            }
            limit = value
        }
        let offset = try Self.offset(request.uri.queryParameters.get("cursor"))
        // One more than asked says whether a next page exists.
        let page = try await queue.jobs(in: state, offset: offset, limit: limit + 1)
        let data = page.prefix(limit).map { AdminJobSummaryDTO($0, queue: name) }
        return AdminJobListDTO(data: Array(data), nextCursor: page.count > limit ? Self.cursor(offset + limit) : nil)
    }

    @Sendable func job(_ request: Request, context: StaffContext) async throws -> AdminJobDetailDTO {
        let (name, queue) = try resolveQueue(context)
        guard let id = Self.jobID(context), let job = try await queue.job(id: id) else { throw PortalProblems.notFound() }
        return AdminJobDetailDTO(job, queue: name)
    }

    /// Retry (a dead job back to waiting with fresh attempts), remove (any state), promote (a delayed job due now).
    func jobAction(_ request: Request, _ context: StaffContext, action: String) async throws -> AdminQueueActionDTO {
        let (name, queue) = try resolveQueue(context)
        guard let id = Self.jobID(context) else { throw PortalProblems.notFound() }
        return try await perform(action, on: id, in: name, queue: queue, context: context)
    }

    /// `POST /admin/jobs/{id}/retry[?queue=]`: the job's queue is `queue` or the product queue that holds it
    /// (a dead copy first, when several do).
    @Sendable func retryAnywhere(_ request: Request, context: StaffContext) async throws -> AdminQueueActionDTO {
        guard let id = Self.jobID(context) else { throw PortalProblems.notFound() }
        var candidates = services.jobs.all
        if let wanted = request.uri.queryParameters.get("queue") {
            candidates = candidates.filter { $0.name == String(wanted) }
            guard !candidates.isEmpty else { throw PortalProblems.validation(field: "queue", "is not a queue of this deployment.") }
        }
        var found: (name: String, queue: any JobQueueDriver)?
        for candidate in candidates {
            guard let job = try await candidate.queue.job(id: id) else { continue }
            if job.state == .dead || found == nil { found = candidate }
            if job.state == .dead { break }
        }
        guard let found else {
            await audit.record(context, action: "queue.job.retry", subject: "job:\(id)", outcome: "failure", details: ["status": "404"])
            throw PortalProblems.notFound()
        }
        return try await perform("retry", on: id, in: found.name, queue: found.queue, context: context)
    }

    func pauseOrResume(_ request: Request, _ context: StaffContext, pause: Bool) async throws -> AdminQueueActionDTO {
        let (name, queue) = try resolveQueue(context)
        if pause { try await queue.pause() } else { try await queue.resume() }
        let action = pause ? "pause" : "resume"
        await audit.record(context, action: "queue.\(action)", subject: "queue:\(name)", outcome: "success")
        context.logger.notice("queue \(action)d by staff", metadata: ["queue": "\(name)"])
        return AdminQueueActionDTO(queue: name, action: action, jobID: nil, affected: 0, paused: pause)
    }

    /// Moves up to `limit` (1…100, default 100) of the newest dead jobs back to waiting with fresh attempts.
    @Sendable func replayDead(_ request: Request, context: StaffContext) async throws -> AdminQueueActionDTO {
        let (name, queue) = try resolveQueue(context)
        var limit = Self.maxReplay
        if let raw = request.uri.queryParameters.get("limit") {
            guard let value = Int(raw), (1...Self.maxReplay).contains(value) else {
                throw PortalProblems.validation(field: "limit", "must be an integer from 1 to \(Self.maxReplay).")
            }
            limit = value
        }
        var replayed = 0
        for job in try await queue.jobs(in: .dead, offset: 0, limit: limit) {
            do {
                try await queue.retryDead(id: job.id, now: now)
                replayed += 1
            } catch let error as QueueError where error.code == .notFound || error.code == .wrongState {
                continue  // retried or removed meanwhile
            }
        }
        await audit.record(context, action: "queue.dead.replay", subject: "queue:\(name)", outcome: "success", details: ["replayed": "\(replayed)"])
        return AdminQueueActionDTO(queue: name, action: "replay", jobID: nil, affected: replayed, paused: nil)
    }

    private func perform(_ action: String, on id: String, in name: String, queue: any JobQueueDriver, context: StaffContext) async throws -> AdminQueueActionDTO {
        let subject = "job:\(name)/\(id)"
        do {
            switch action {
            case "retry": try await queue.retryDead(id: id, now: now)
            case "remove": try await queue.remove(id: id)
            default: try await queue.promote(id: id, now: now)
            }
        } catch let error as QueueError where error.code == .notFound {
            await audit.record(context, action: "queue.job.\(action)", subject: subject, outcome: "failure", details: ["status": "404"])
            throw PortalProblems.notFound()
        } catch let error as QueueError where error.code == .wrongState {
            let state = try? await queue.job(id: id)?.state.rawValue
            await audit.record(context, action: "queue.job.\(action)", subject: subject, outcome: "failure", details: ["status": "409", "state": state ?? "unknown"])
            throw PortalProblems.conflict(Self.wrongState(action, state: state))
        }
        await audit.record(context, action: "queue.job.\(action)", subject: subject, outcome: "success")
        context.logger.notice("job \(action) by staff", metadata: ["queue": "\(name)", "job": "\(id)"])
        return AdminQueueActionDTO(queue: name, action: action, jobID: id, affected: 1, paused: nil)
    }

    static func wrongState(_ action: String, state: String?) -> String {
        let needed = action == "retry" ? "dead" : "delayed"
        return "Only a \(needed) job can be \(action == "retry" ? "retried" : "promoted"); this one is \(state ?? "in another state")."
    }

    private func resolveQueue(_ context: StaffContext) throws -> (String, any JobQueueDriver) {
        guard let name = context.parameters.get("name"), let queue = services.jobs[name] else { throw PortalProblems.notFound() }
        return (name, queue)
    }

    static func jobID(_ context: StaffContext) -> String? {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.utf8.count <= 200 else { return nil }
        return id
    }

    /// The opaque paging cursor: the next offset, base64url-encoded (``Base64URL``).
    static func cursor(_ offset: Int) -> String {
        Base64URL.encode(Array("o\(offset)".utf8))
    }

    static func offset(_ cursor: String?) throws -> Int {
        guard let cursor else { return 0 }
        guard let data = Base64URL.decode(cursor[...]), let text = String(data: data, encoding: .utf8), text.hasPrefix("o"),
            let offset = Int(text.dropFirst()), (0...1_000_000).contains(offset)
        else { throw PortalProblems.validation(field: "cursor", "is not a cursor of this list.") }
        return offset
    }
}
