/// Everything Atrium keeps in PostgreSQL (or in memory for the embedded default), one repository per concern.
///
public struct AtriumStore: Sendable {
    public let users: any UserRepository
    public let audit: any AuditLog
    public let idempotency: any IdempotencyStore
    public let orders: any OrderRepository
    public let webhooks: any WebhookInbox
    /// `memory` or `postgres`, for logs and readiness.
    public let backend: String

    public init(
        users: any UserRepository, audit: any AuditLog, idempotency: any IdempotencyStore, orders: any OrderRepository,
        webhooks: any WebhookInbox, backend: String
    ) {
        self.users = users
        self.audit = audit
        self.idempotency = idempotency
        self.orders = orders
        self.webhooks = webhooks
        self.backend = backend
    }
}

extension AtriumStore {
    /// The in-memory store of the embedded default (and of the memory half of the conformance tests).
    public static func memory() -> AtriumStore {
        AtriumStore(
            users: MemoryUserRepository(), audit: MemoryAuditLog(), idempotency: MemoryIdempotencyStore(),
            orders: MemoryOrderRepository(), webhooks: MemoryWebhookInbox(), backend: "memory"
        )
    }
}
