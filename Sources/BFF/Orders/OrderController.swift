import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The customer's order routes: `POST /orders`, `GET /orders`, `GET /orders/{id}`, `GET /orders/{id}/events`.
///
/// Orders live in Atrium's store (not cached). Another customer's order, an id that is not a UUID and a missing
/// order all answer the same 404.
struct OrderController: Sendable {
    static let lastEventIDHeader = HTTPField.Name("Last-Event-ID") ?? .authorization

    let services: AppServices
    let cursors: PortalCursorCodec
    let keepAlive: Duration

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.post("orders", use: place)
        routes.get("orders", use: list)
        routes.get("orders/:id", use: show)
        routes.get("orders/:id/events", use: events)
        return routes
    }

    /// Places an order (``OrderPlacement``) and answers 201 with it and its timeline.
    @Sendable func place(_ request: Request, context: PortalContext) async throws -> EditedResponse<OrderDetailDTO> {
        let body = try await PortalRequestBody.decode(PlaceOrderRequestDTO.self, from: request, context: context)
        let (order, timeline) = try await OrderPlacement(services: services).place(body, customer: context.customer, logger: context.logger)
        context.logger.info("order placed", metadata: ["order": "\(order.id)", "items": "\(order.items.count)"])
        return EditedResponse(
            status: .created,
            headers: [.location: "/api/v1/orders/\(order.id.uuidString.lowercased())"],
            response: OrderDetailDTO(order, timeline: timeline)
        )
    }

    /// The customer's orders, newest first, with a signed keyset cursor.
    @Sendable func list(_ request: Request, context: PortalContext) async throws -> ListDTO<OrderDTO> {
        let user = context.customer.userID
        let query = try PortalListQuery(request, list: "orders", user: user, codec: cursors)
        let after = try query.cursor.map(Self.pageKey)
        // One more than asked tells whether a next page exists.
        let found = try await services.store.orders.orders(userID: user, after: after, limit: query.limit + 1)
        let page = found.prefix(query.limit).filter { $0.tenant == context.customer.tenant }
        var next: String?
        if found.count > query.limit, let last = found.prefix(query.limit).last {
            next = cursors.encode(PortalCursor(upstream: Self.cursorValue(last), offset: nil), list: "orders", user: user)
        }
        return ListDTO(data: page.map(OrderDTO.init), nextCursor: next)
    }

    @Sendable func show(_ request: Request, context: PortalContext) async throws -> OrderDetailDTO {
        let order = try await ownedOrder(context)
        return OrderDetailDTO(order, timeline: try await services.store.orders.timeline(orderID: order.id, afterSeq: 0))
    }

    /// The order's timeline as Server-Sent Events (``OrderEventStream``); 204 when the order's status is final and
    /// the client has every entry (so an `EventSource` stops reconnecting).
    @Sendable func events(_ request: Request, context: PortalContext) async throws -> Response {
        let order = try await ownedOrder(context)
        let after = try Self.lastEventID(request)
        // Listen first, then read what is stored: an entry written in between is in one or the other.
        let updates = try await services.orderEvents.updates(orderID: order.id)
        let backlog = try await services.store.orders.timeline(orderID: order.id, afterSeq: after)
        if backlog.isEmpty, OrderEventStream.finalStatuses.contains(order.status) {
            return Response(status: .noContent)
        }
        let stream = OrderEventStream(orderID: order.id, orders: services.store.orders, keepAlive: keepAlive, logger: context.logger)
        return Response(
            status: .ok,
            headers: OrderEventStream.headers,
            body: ResponseBody { writer in
                try await stream.write(updates: updates, backlog: backlog, after: after, to: &writer)
            }
        )
    }

    /// The order named by the `id` parameter, if it is the caller's.
    func ownedOrder(_ context: PortalContext) async throws -> Order {
        guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw),
            let order = try await services.store.orders.order(id: id),
            order.userID == context.customer.userID, order.tenant == context.customer.tenant
        else { throw PortalProblems.notFound() }
        return order
    }

    /// `Last-Event-ID` (header, as `EventSource` and fetch readers send it on reconnect) or `?last_event_id=`: the
    /// last `seq` the client has; 0 when absent.
    ///
    /// - Throws: 400 `validation` when it is not a whole number from 0.
    static func lastEventID(_ request: Request) throws -> Int {
        let header = request.headers[lastEventIDHeader]
        let query: String? = request.uri.queryParameters.get("last_event_id")
        guard let raw = header ?? query else { return 0 }
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return 0 }
        guard text.utf8.count <= 10, let value = Int(text), value >= 0 else {
            throw PortalProblems.validation(field: header == nil ? "last_event_id" : "Last-Event-ID", "must be a whole number from 0")
        }
        return value
    }

    // MARK: - Cursor

    /// `<created_at seconds since 1970>|<order id>` of the last order of a page (the Double prints exactly).
    static func cursorValue(_ order: Order) -> String {
        "\(order.createdAt.timeIntervalSince1970)|\(order.id.uuidString.lowercased())"
    }

    static func pageKey(_ cursor: PortalCursor) throws -> OrderPageKey {
        let parts = (cursor.upstream ?? "").split(separator: "|")
        guard parts.count == 2, let seconds = Double(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw PortalProblems.validation(field: "cursor", "not a cursor this list issued")
        }
        return OrderPageKey(createdAt: Date(timeIntervalSince1970: seconds), id: id)
    }
}
