import Domain
import Foundation
import Hummingbird
import Queue

/// `GET /admin/orders/{id}`: everything staff need to tell why an order is where it is, in one answer — the order
/// with its whole timeline, its saga (state, generation, every step record of every generation with attempts,
/// upstream idempotency key, what it produced and its last error) and the current generation's `order.fulfill`
/// job (state, attempts, each failed attempt's error; payload secrets redacted).
///
/// Tenant-isolated like the other order routes: another tenant's order is 404, like a missing one.
struct AdminOrderDetailController: Sendable {
    let services: AppServices

    @Sendable func detail(_ request: Request, context: StaffContext) async throws -> AdminOrderDetailDTO {
        let raw = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: raw), let order = try await services.store.orders.order(id: id), order.tenant == context.staff.tenant else {
            throw PortalProblems.notFound()
        }
        let timeline = try await services.store.orders.timeline(orderID: id, afterSeq: 0)
        let steps = try await services.store.orders.sagaSteps(orderID: id)
        var job: AdminJobDetailDTO?
        if let queue = services.jobs[FulfillmentJob.queue],
            let found = try await queue.job(id: FulfillmentJob.jobID(orderID: id, generation: order.sagaGeneration))
        {
            job = AdminJobDetailDTO(found, queue: FulfillmentJob.queue)
        }
        return AdminOrderDetailDTO(order: OrderDetailDTO(order, timeline: timeline), saga: AdminSagaDTO(order, steps: steps), job: job)
    }
}

/// The answer of `GET /admin/orders/{id}`: the order's fields and `timeline` (as in the portal), plus `saga` and `job`.
struct AdminOrderDetailDTO: ResponseEncodable, Encodable, Sendable {
    let order: OrderDetailDTO
    let saga: AdminSagaDTO
    /// The current generation's fulfillment job; absent when none was enqueued or retention removed it.
    let job: AdminJobDetailDTO?

    enum CodingKeys: String, CodingKey { case saga, job }

    func encode(to encoder: any Encoder) throws {
        try order.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(saga, forKey: .saga)
        try container.encodeIfPresent(job, forKey: .job)
    }
}

/// An order's saga: its state, its current generation and every step record, oldest generation first, each
/// generation's steps in the order they were first recorded.
struct AdminSagaDTO: Encodable, Sendable, Hashable {
    let state: String
    let generation: Int
    let steps: [AdminSagaStepDTO]

    init(_ order: Order, steps: [SagaStepRecord]) {
        state = order.saga.rawValue
        generation = order.sagaGeneration
        // The store's order: by generation, then as the steps were first recorded (the plan's order).
        self.steps = steps.map(AdminSagaStepDTO.init)
    }
}

struct AdminSagaStepDTO: Encodable, Sendable, Hashable {
    let generation: Int
    let step: String
    let status: String
    let attempt: Int
    let idempotencyKey: String
    /// What the step produced (upstream ids, operation ids) for later steps and compensations.
    let result: [String: String]
    let error: String?
    let updatedAt: Date

    init(_ record: SagaStepRecord) {
        generation = record.generation
        step = record.step
        status = record.status.rawValue
        attempt = record.attempt
        idempotencyKey = record.idempotencyKey
        result = record.result
        error = record.error
        updatedAt = record.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case generation, step, status, attempt, result, error
        case idempotencyKey = "idempotency_key"
        case updatedAt = "updated_at"
    }
}
