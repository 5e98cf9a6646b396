import Domain
import Foundation

extension BillingOrder {
    /// Maps a `GetOrders` order: its services are the line items of type `product`; an invoice id of `0` is none.
    init(whmcs order: WHMCSOrder) {
        self.init(
            id: order.id.value,
            status: Status(whmcs: order.status),
            invoiceID: order.invoiceid?.nonZero,
            subscriptionIDs: (order.lineitems?.items ?? []).filter { $0.type == "product" }.map(\.relid.value)
        )
    }

    /// Maps `AddOrder`'s answer: a new order is pending until AcceptOrder.
    init(whmcs created: WHMCSAddOrderResponse) {
        let services = (created.serviceids ?? created.productids)?.value ?? ""
        self.init(
            id: created.orderid.value,
            status: .pending,
            invoiceID: created.invoiceid?.nonZero,
            subscriptionIDs: services.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        )
    }
}

extension BillingOrder.Status {
    init(whmcs status: WHMCSOrderStatus) {
        switch status {
        case .pending: self = .pending
        case .active: self = .active
        case .cancelled: self = .cancelled
        case .fraud: self = .fraud
        }
    }
}
