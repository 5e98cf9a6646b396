import Domain
import Foundation
import Providers
import Queue

/// Salesforce change events: a CRM approval approves the Atrium order.
extension WebhookProcessor {
    /// An `OrderChangeEvent` whose new `Status` means approved (the labels `SalesforceCRMProvider` maps to
    /// ``ExternalOrderStatus/approved``) approves each Atrium order whose CRM order id it names, with
    /// ``OrderApproval`` (source `crm`): the order moves to `approved` and one fulfillment job is enqueued.
    ///
    /// Everything else changes nothing and records nothing (the note goes to the log):
    /// - events about other objects, and order changes to any other status. Atrium never moves an order from a
    ///   CRM status other than approval; the saga itself writes the later CRM statuses, whose events come back
    ///   here as echoes;
    /// - a CRM order with no Atrium order (created in the CRM by hand): processed, not an error;
    /// - an order already approved or further along: ``OrderApproval`` answers `alreadyApproved` (no second job);
    /// - an order that cannot be approved from its state (`draft`, `cancelled`), or one that `failed`: a failed
    ///   order is restarted by staff (admin retry), never by a CRM event that may predate the failure.
    func processSalesforce(_ row: StoredWebhook) async throws -> String {
        let event = try parsed { () throws(WebhookPayloadError) in try SalesforceWebhookEvent.parse(row.payload) }
        guard event.entityName == "Order" else { return "not an order change (\(event.entityName ?? "no entity"))" }
        let change: SalesforceOrderChange
        do {
            change = try SalesforceOrderChange(webhookBody: row.payload)
        } catch {
            // An unknown status label: the org has a picklist value Atrium does not map. Staff replay it once mapped.
            throw PermanentJobError("unreadable order change: \(error)")
        }
        guard change.status == .approved else {
            return "CRM status \(change.upstreamStatus ?? "unchanged"): no order moves"
        }
        var notes: [String] = []
        for crmOrderID in change.orderIDs {
            notes.append(try await approve(crmOrderID: crmOrderID, eventID: row.eventID))
        }
        return notes.isEmpty ? "the event names no order" : notes.joined(separator: "; ")
    }

    private func approve(crmOrderID: String, eventID: String) async throws -> String {
        guard let order = try await services.store.orders.order(crmOrderID: crmOrderID) else {
            return "no Atrium order for CRM order \(crmOrderID)"
        }
        guard order.status != .failed else { return "order \(order.id) failed: CRM approval ignored" }
        let approval = OrderApproval(ledger: services.ledger, jobs: services.jobs)
        do {
            let outcome = try await approval.approve(
                orderID: order.id, source: "crm", reason: "Approved in the CRM (order \(crmOrderID), event \(eventID))"
            )
            switch outcome {
            case .approved: return "order \(order.id) approved"
            case .alreadyApproved(let status): return "order \(order.id) already \(status.rawValue)"
            }
        } catch let error as OrderTransitionError {
            return "order \(order.id) is \(error.from.rawValue): CRM approval ignored"
        }
    }
}
