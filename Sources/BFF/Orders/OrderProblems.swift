import Domain
import HTTPTypes
import Hummingbird
import Logging

extension Problem.Kind {
    /// 422: an ordered item cannot be sold: not in the tenant's catalog (or retired), out of stock, without a price
    /// in the order's currency, or refused by the CRM. `detail` names the item (`items[2].sku: …`).
    public static let orderItemUnavailable = Problem.Kind("order-item-unavailable", title: "Order Item Unavailable")
    /// 409: the customer's account lacks a link the order needs (CRM account, billing customer, SIM account for SIM
    /// items). `detail` names the missing systems.
    public static let accountNotLinked = Problem.Kind("account-not-linked", title: "Account Not Linked")
    /// 409: a staff retry of an order whose saga has nothing to retry (running, completed, never failed) or that
    /// cannot be started again (no CRM order). `detail` names the order's status and saga state.
    public static let orderNotRetryable = Problem.Kind("order-not-retryable", title: "Order Not Retryable")
}

/// The problems of the order routes.
enum OrderProblems {
    static func itemUnavailable(index: Int, _ message: String) -> Problem {
        Problem(.orderItemUnavailable, status: .unprocessableContent, detail: "items[\(index)].sku: \(message)")
    }

    static func accountNotLinked(_ missing: [String]) -> Problem {
        Problem(.accountNotLinked, status: .conflict, detail: "The account is not linked to: \(missing.joined(separator: ", ")).")
    }

    /// 409 for an order whose status does not allow the operation.
    static func wrongStatus(_ status: OrderStatus, operation: String) -> Problem {
        PortalProblems.conflict("The order cannot be \(operation) while it is \(status.rawValue).")
    }

    /// 409 for a staff retry the order's state refuses (``Domain/SagaRetryRefused``).
    static func notRetryable(_ refusal: SagaRetryRefused) -> Problem {
        let detail =
            refusal.lacksCRMOrder
            ? "The order is \(refusal.status.rawValue) and has no CRM order: its fulfillment cannot be started again."
            : "The order is \(refusal.status.rawValue) with fulfillment \(refusal.saga.rawValue): there is nothing to retry."
        return Problem(.orderNotRetryable, status: .conflict, detail: detail)
    }

    /// A 503 when the store cannot be reached (a retry later is the answer; nothing half-done is reported as done).
    static func storeUnavailable() -> Problem {
        Problem(.serviceUnavailable, status: .serviceUnavailable, detail: "Orders are unavailable; retry shortly.", headers: [.retryAfter: "1"])
    }
}

/// Turns the store's and the state machine's errors into problems on the order routes: ``StoreError``
/// `unavailable` → 503, `notFound` → 404, `conflict` → 409 (too many concurrent writers); an
/// ``OrderTransitionError`` that escaped its handler → 409. Other errors pass through.
struct OrderProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as StoreError {
            context.logger.warning("order store failed", metadata: ["error": "\(error)"])
            switch error.code {
            case .notFound: throw PortalProblems.notFound()
            case .conflict: throw PortalProblems.conflict("The order changed concurrently; retry.")
            default: throw OrderProblems.storeUnavailable()
            }
        } catch let error as OrderTransitionError {
            throw OrderProblems.wrongStatus(error.from, operation: "moved to \(error.to.rawValue)")
        }
    }
}
