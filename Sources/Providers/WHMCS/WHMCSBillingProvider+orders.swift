public import Domain
import Logging

extension WHMCSBillingProvider {
    /// The line of an order's `notes` that carries its idempotency key.
    static let orderKeyPrefix = "atrium-idempotency-key:"

    // https://developers.whmcs.com/api-reference/addorder/
    /// Creates the order unless one with the request's idempotency key exists (see the type's discussion).
    ///
    /// Each line becomes `pid[i]`, `qty[i]` (WHMCS 8.12+) and `billingcycle[i]`: the line's interval, or the
    /// product's first offered cycle (`onetime`/`free` for such products), checked against `GetProducts` in the
    /// client's currency. The payment method is the request's gateway name, else the client's default
    /// gateway, else the first active gateway (`GetPaymentMethods`).
    /// - Throws: `notFound` for an unknown client; `rejected` for an unknown product or a cycle it is not sold on.
    public func createOrder(_ request: BillingOrderRequest) async throws(ProviderError) -> BillingOrder {
        let details = try await clientDetails(request.customerID)
        if let existing = try await findOrder(clientID: request.customerID, key: request.idempotencyKey) { return existing }
        let currency = try WHMCSMapping.currency(details.currencyCode, path: "$.client.currency_code")
        let cycles = try await billingCycles(request.lines, currency: currency)
        let gateway = try await gateway(requested: request.paymentMethod, clientDefault: details.defaultgateway)
        var fields = [
            ("clientid", request.customerID), ("paymentmethod", gateway),
            ("notes", Self.orderKeyPrefix + request.idempotencyKey),
        ]
        for (index, line) in request.lines.enumerated() {
            fields += [
                ("pid[\(index)]", line.productID), ("qty[\(index)]", String(line.quantity.value)),
                ("billingcycle[\(index)]", cycles[index].rawValue),
            ]
        }
        var attempt = 1
        while true {
            do {
                return BillingOrder(whmcs: try await client.call("AddOrder", fields, as: WHMCSAddOrderResponse.self, retryable: false))
            } catch where (error.code == .unavailable || error.code == .timeout) && attempt < Self.createAttempts {
                // The order may or may not exist now: look before sending it again.
                logger.warning("AddOrder failed, checking before retrying", metadata: ["code": "\(error.code)", "attempt": "\(attempt)"])
                if let existing = try await findOrder(clientID: request.customerID, key: request.idempotencyKey) { return existing }
                attempt += 1
            }
        }
    }

    // https://developers.whmcs.com/api-reference/acceptorder/
    /// Accepts a pending order; an order already active is returned as it is (a replay).
    ///
    /// WHMCS's state is the idempotency here: the key is not sent. A cancelled or fraud order is a `conflict`.
    public func activateOrder(id: String, idempotencyKey: String) async throws(ProviderError) -> BillingOrder {
        let current = try await order(id)
        switch current.status {
        case .active: return BillingOrder(whmcs: current)
        case .cancelled, .fraud: throw Self.conflict("cannot accept an order that is \(current.status.rawValue)")
        case .pending: break
        }
        var failure: ProviderError?
        do {
            _ = try await client.call("AcceptOrder", [("orderid", id)], as: WHMCSResult.self, retryable: true)
        } catch {
            // "Order ID not found or Status not Pending": a concurrent (or retried) acceptance may have won.
            failure = error
        }
        let after = try await order(id)
        guard after.status == .active else { throw failure ?? Self.conflict("order is \(after.status.rawValue) after AcceptOrder") }
        return BillingOrder(whmcs: after)
    }

    // https://developers.whmcs.com/api-reference/cancelorder/
    // https://developers.whmcs.com/api-reference/pendingorder/
    /// Cancels the order and its services (`cancelsub=1` also stops gateway subscriptions); a cancelled order is
    /// returned as it is. CancelOrder only takes pending orders, so an active or fraud order is first set back
    /// to pending with PendingOrder.
    public func cancelOrder(id: String, idempotencyKey: String) async throws(ProviderError) -> BillingOrder {
        let current = try await order(id)
        if current.status == .cancelled { return BillingOrder(whmcs: current) }
        var failure: ProviderError?
        do {
            if current.status != .pending {
                _ = try await client.call("PendingOrder", [("orderid", id)], as: WHMCSResult.self, retryable: true)
            }
            _ = try await client.call("CancelOrder", [("orderid", id), ("cancelsub", "1")], as: WHMCSResult.self, retryable: true)
        } catch {
            failure = error
        }
        let after = try await order(id)
        guard after.status == .cancelled else { throw failure ?? Self.conflict("order is \(after.status.rawValue) after CancelOrder") }
        return BillingOrder(whmcs: after)
    }

    // MARK: Helpers

    /// AddOrder is sent at most this many times for one call of ``createOrder(_:)``.
    static let createAttempts = 3

    // https://developers.whmcs.com/api-reference/getorders/
    func order(_ id: String) async throws(ProviderError) -> WHMCSOrder {
        let response = try await client.call("GetOrders", [("id", id)], as: WHMCSOrdersResponse.self, retryable: true)
        guard let order = response.orders.items.first(where: { $0.id.value == id }) else {
            throw ProviderError(.notFound, provider: .whmcs, detail: "no such order")
        }
        return order
    }

    /// The client's order whose notes carry `key`, scanning `GetOrders` newest first.
    func findOrder(clientID: String, key: String) async throws(ProviderError) -> BillingOrder? {
        let marker = Self.orderKeyPrefix + key
        var offset = 0
        for _ in 0..<Self.maximumPages {
            let response = try await client.call(
                "GetOrders",
                [("userid", clientID), ("limitstart", String(offset)), ("limitnum", String(Self.scanPageSize))],
                as: WHMCSOrdersResponse.self,
                retryable: true
            )
            let orders = response.orders.items
            if let match = orders.first(where: { order in
                order.userid.value == clientID && (order.notes ?? "").split(whereSeparator: \.isNewline).contains { $0 == marker }
            }) {
                return BillingOrder(whmcs: match)
            }
            offset += orders.count
            if orders.isEmpty || offset >= response.totalresults.value { return nil }
        }
        return nil
    }

    // https://developers.whmcs.com/api-reference/getproducts/
    /// The AddOrder billing cycle of each line.
    func billingCycles(_ lines: [BillingOrderRequest.Line], currency: Currency) async throws(ProviderError) -> [WHMCSBillingCycle] {
        let pids = lines.map(\.productID)
        let response = try await client.call(
            "GetProducts",
            [("pid", Array(Set(pids)).sorted().joined(separator: ","))],
            as: WHMCSProductsResponse.self,
            retryable: true
        )
        var products: [String: WHMCSProduct] = [:]
        for product in response.products.items { products[product.pid.value] = product }
        var cycles: [WHMCSBillingCycle] = []
        for line in lines {
            guard let product = products[line.productID] else { throw Self.rejected("unknown product \(line.productID)") }
            cycles.append(try Self.cycle(for: line, product: product, currency: currency))
        }
        return cycles
    }

    static func cycle(for line: BillingOrderRequest.Line, product: WHMCSProduct, currency: Currency) throws(ProviderError) -> WHMCSBillingCycle {
        switch product.paytype {
        case .free, .onetime:
            guard line.interval == nil || line.interval == .oneTime else {
                throw rejected("product \(line.productID) is not sold on a recurring cycle")
            }
            return product.paytype == .free ? .free : .onetime
        case .recurring:
            let pricing = product.pricing.currencies[currency.code]
            if let interval = line.interval {
                guard let cycle = WHMCSBillingCycle(interval: interval), cycle != .onetime, pricing?.price(cycle) != nil else {
                    throw rejected("product \(line.productID) is not sold \(interval.rawValue) in \(currency)")
                }
                return cycle
            }
            let offered: [WHMCSBillingCycle] = [.monthly, .quarterly, .semiannually, .annually, .biennially, .triennially]
            guard let cycle = offered.first(where: { pricing?.price($0) != nil }) else {
                throw rejected("product \(line.productID) has no price in \(currency)")
            }
            return cycle
        }
    }

    // https://developers.whmcs.com/api-reference/getpaymentmethods/
    func gateway(requested: String?, clientDefault: String?) async throws(ProviderError) -> String {
        if let requested = WHMCSMapping.nonEmpty(requested) { return requested }
        if let fallback = WHMCSMapping.nonEmpty(clientDefault) { return fallback }
        let response = try await client.call("GetPaymentMethods", [], as: WHMCSPaymentMethodsResponse.self, retryable: true)
        guard let first = response.paymentmethods.items.first else { throw Self.rejected("no payment gateway is active") }
        return first.module
    }

    static func rejected(_ detail: String) -> ProviderError { ProviderError(.rejected, provider: .whmcs, detail: detail) }
    static func conflict(_ detail: String) -> ProviderError { ProviderError(.conflict, provider: .whmcs, detail: detail) }
}
