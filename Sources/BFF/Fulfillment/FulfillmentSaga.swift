import Domain
import Foundation
public import Queue

// PLACEHOLDER (saga helper): replace with the real saga runner.
/// Runs an order's fulfillment saga, one `order.fulfill` job per order.
public enum FulfillmentSaga {
    public static func handler(services: JobServices) -> JobWorker.Handler {
        { _ in throw PermanentJobError("the fulfillment saga is not built yet") }
    }
}
