public import Domain
public import Foundation
public import Logging
public import PostgresNIO

// PLACEHOLDER (store helper): replace every method with the real PostgreSQL implementation.
/// Orders, timelines and saga steps in PostgreSQL.
public struct PostgresOrderRepository: OrderRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    private func missing() -> StoreError { StoreError(.unavailable, "PostgresOrderRepository not built yet") }
    public func create(_ order: Order, event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry { throw missing() }
    public func order(id: UUID) async throws -> Order? { throw missing() }
    public func order(crmOrderID: String) async throws -> Order? { throw missing() }
    public func orders(userID: UUID, after: OrderPageKey?, limit: Int) async throws -> [Order] { throw missing() }
    public func orders(filter: OrderFilter, after: OrderPageKey?, limit: Int) async throws -> [Order] { throw missing() }
    public func update(_ order: Order, event: OrderEventDraft?, at: Date) async throws -> (order: Order, entry: OrderTimelineEntry?) { throw missing() }
    public func appendEvent(orderID: UUID, _ event: OrderEventDraft, at: Date) async throws -> OrderTimelineEntry { throw missing() }
    public func timeline(orderID: UUID, afterSeq: Int) async throws -> [OrderTimelineEntry] { throw missing() }
    public func sagaSteps(orderID: UUID) async throws -> [SagaStepRecord] { throw missing() }
    public func saveSagaStep(_ step: SagaStepRecord) async throws { throw missing() }
}
