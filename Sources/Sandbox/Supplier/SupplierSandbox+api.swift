import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat

extension SupplierSandbox {
    /// The value of header `name` (case-insensitive).
    static func header(_ request: Request, _ name: String) -> String? {
        let lowered = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lowered }?.value
    }

    func authorized(_ request: Request, _ handler: () -> SupplierReply) -> Response {
        guard Self.header(request, "X-Api-Key") == apiKey else {
            return SupplierReply.error(401, "unauthorized", "Missing or invalid API key.").response()
        }
        return finish(handler())
    }

    func authorizedAsync(_ request: Request, _ handler: () async throws -> SupplierReply) async throws -> Response {
        guard Self.header(request, "X-Api-Key") == apiKey else {
            return SupplierReply.error(401, "unauthorized", "Missing or invalid API key.").response()
        }
        return finish(try await handler())
    }

    /// Sends the reply's webhooks, then answers.
    private func finish(_ reply: SupplierReply) -> Response {
        for change in reply.changes { emitStatusChange(previous: change.previous, order: change.order) }
        return reply.response()
    }

    static var now: String { Date().formatted(.iso8601) }

    // MARK: Handlers

    func listItems(_ request: Request) -> SupplierReply {
        let query = request.uri.queryParameters
        var size = 50
        if let text = query.get("page_size") {
            guard let value = Int(text), (1...200).contains(value) else {
                return .error(400, "invalid_request", "page_size must be an integer from 1 to 200.")
            }
            size = value
        }
        let token = query.get("page_token").flatMap { $0.isEmpty ? nil : String($0) }
        return state.withLockedValue { $0.page(size: size, token: token) }
    }

    func item(_ id: String) -> SupplierReply {
        state.withLockedValue { $0.item(id) }
    }

    func order(_ id: String) -> SupplierReply {
        state.withLockedValue { $0.order(id) }
    }

    func createOrder(_ request: Request) async throws -> SupplierReply {
        guard let key = Self.header(request, "Idempotency-Key"), !key.isEmpty else {
            return .error(400, "missing_idempotency_key", "POST /v1/purchase-orders requires an Idempotency-Key header.")
        }
        let buffer = try await request.body.collect(upTo: 1 << 20)
        guard let body = try? JSONDecoder().decode(JSONValue.self, from: buffer), body.object != nil else {
            return .error(400, "invalid_request", "The body must be a JSON object.")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let fingerprint = String(decoding: (try? encoder.encode(body)) ?? Data(), as: UTF8.self)
        let now = Self.now
        return state.withLockedValue { $0.createOrder(key: key, body: body, fingerprint: fingerprint, now: now) }
    }

    func cancel(_ id: String) -> SupplierReply {
        let now = Self.now
        return state.withLockedValue { $0.cancel(id, now: now) }
    }

    /// Moves a purchase order to `status` (`confirmed`, `shipped`, `delivered`, `cancelled`, `rejected`) as the
    /// supplier's warehouse would, sending the webhook.
    ///
    /// - Returns: The order, or `nil` for an unknown order or status.
    @discardableResult
    public func setStatus(orderID: String, to status: String) -> JSONValue? {
        let now = Self.now
        guard let reply = state.withLockedValue({ $0.setStatus(orderID, to: status, now: now) }) else { return nil }
        for change in reply.changes { emitStatusChange(previous: change.previous, order: change.order) }
        return reply.body
    }

    // MARK: Webhooks

    /// Posts `purchase_order.status_changed`, signed (see the type's documentation).
    func emitStatusChange(previous: String?, order: JSONValue) {
        let event: JSONValue = [
            "id": .string("evt_" + SandboxSigning.randomSecret("").prefix(16)),
            "type": "purchase_order.status_changed",
            "created_at": .string(Self.now),
            "data": ["previous_status": previous.map { .string($0) } ?? .null, "purchase_order": order],
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let body = try? encoder.encode(event) else { return }
        let timestamp = Int64(Date().timeIntervalSince1970)
        emitter.sendDetached(
            event: "purchase_order.status_changed",
            body: body,
            headers: [
                ("X-Supplier-Timestamp", String(timestamp)),
                ("X-Supplier-Signature", Self.signature(body: body, secret: webhookSecret, timestamp: timestamp)),
            ]
        )
    }
}
