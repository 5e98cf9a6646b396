public import Foundation
public import Hummingbird
import Domain

// Wire types of the order routes, with the portal's conventions (PortalDTOs.swift): snake_case keys, absent
// optionals left out, ISO-8601 times, money as ``MoneyDTO``.

/// `POST /orders`: what the customer orders. Prices, names and kinds come from the catalog, never the request.
public struct PlaceOrderRequestDTO: Codable, Sendable, Hashable {
    public let items: [PlaceOrderItemDTO]
}

/// One line of `POST /orders`.
public struct PlaceOrderItemDTO: Codable, Sendable, Hashable {
    /// A SKU of the tenant's catalog.
    public let sku: String
    /// 1 to 10.
    public let quantity: Int
}

/// An order in a list: status, lines and totals, without the timeline.
public struct OrderDTO: ResponseCodable, Sendable, Hashable {
    /// Atrium's order id (a UUID, lower case).
    public let id: String
    /// One of the nine ``OrderStatus`` values.
    public let status: String
    public let items: [OrderItemDTO]
    public let subtotal: MoneyDTO
    /// 0 at order time: tax is computed by the billing system on its invoice.
    public let tax: MoneyDTO
    public let total: MoneyDTO
    /// The order's id in the CRM, once it is recorded there.
    public let crmOrderID: String?
    /// Why the order failed or was cancelled.
    public let failureReason: String?
    public let createdAt: Date
    public let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, status, items, subtotal, tax, total
        case crmOrderID = "crm_order_id"
        case failureReason = "failure_reason"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ order: Order) {
        self.id = order.id.uuidString.lowercased()
        self.status = order.status.rawValue
        self.items = order.items.map(OrderItemDTO.init)
        self.subtotal = MoneyDTO(order.subtotal)
        self.tax = MoneyDTO(order.tax)
        self.total = MoneyDTO(order.total)
        self.crmOrderID = order.crmOrderID
        self.failureReason = order.failureReason
        self.createdAt = order.createdAt
        self.updatedAt = order.updatedAt
    }
}

/// One order with its timeline (`GET /orders/{id}`, `POST /orders`, the staff approval): the list fields, flat,
/// plus `timeline`.
public struct OrderDetailDTO: ResponseCodable, Sendable, Hashable {
    public let order: OrderDTO
    /// Every entry so far, oldest first.
    public let timeline: [OrderTimelineEntryDTO]

    init(_ order: Order, timeline: [OrderTimelineEntry]) {
        self.order = OrderDTO(order)
        self.timeline = timeline.map(OrderTimelineEntryDTO.init)
    }

    enum CodingKeys: String, CodingKey { case timeline }

    public init(from decoder: any Decoder) throws {
        self.order = try OrderDTO(from: decoder)
        self.timeline = try decoder.container(keyedBy: CodingKeys.self).decode([OrderTimelineEntryDTO].self, forKey: .timeline)
    }

    public func encode(to encoder: any Encoder) throws {
        try order.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timeline, forKey: .timeline)
    }
}

/// A line of an order, priced when the order was placed.
public struct OrderItemDTO: Codable, Sendable, Hashable {
    public let sku: String
    public let name: String
    /// `subscription`, `sim` or `physical`.
    public let kind: String
    public let quantity: Int
    public let unitPrice: MoneyDTO
    /// `unit_price` × `quantity`.
    public let total: MoneyDTO

    enum CodingKeys: String, CodingKey {
        case sku, name, kind, quantity, total
        case unitPrice = "unit_price"
    }

    init(_ item: OrderItem) {
        self.sku = item.sku.value
        self.name = item.name
        self.kind = item.kind.rawValue
        self.quantity = item.quantity.value
        self.unitPrice = MoneyDTO(item.unitPrice)
        self.total = MoneyDTO((try? item.total()) ?? item.unitPrice)
    }
}

/// One entry of an order's timeline; also the `data` of each Server-Sent Event (`id` = `seq`).
public struct OrderTimelineEntryDTO: Codable, Sendable, Hashable {
    /// 1, 2, 3, … per order: the SSE event id, and what `Last-Event-ID` resumes after.
    public let seq: Int
    public let at: Date
    /// `order`, `crm.create`, `approval.staff`, a saga step (`billing.create`, `sim.activate#1`), a webhook, …
    public let step: String
    /// ``TimelineOutcome`` (`transitioned` when the status changed).
    public let outcome: String
    /// The order's status once this entry was written.
    public let status: String
    public let reason: String?

    init(_ entry: OrderTimelineEntry) {
        self.seq = entry.seq
        self.at = entry.at
        self.step = entry.step
        self.outcome = entry.outcome.rawValue
        self.status = entry.status.rawValue
        self.reason = entry.reason
    }
}
