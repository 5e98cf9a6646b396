@testable import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// The admin customer/order/audit/webhook routes over ``OrderHarness`` (real sandboxes, real tokens, the
/// production middleware chain): its router plus ``AdminCustomerRoutes``.
extension OrderHarness {
    func adminRouter() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            RequestIDMiddleware()
            ProblemMiddleware()
            EdgeMiddleware(services: services)
            AuthenticationMiddleware(services: services)
            RateLimitMiddleware(services: services)
            IdempotencyMiddleware(services: services)
        }
        let api = router.group("api/v1")
        OrderRoutes.add(to: api, services: services)
        AdminCustomerRoutes.add(to: api, services: services)
        return router
    }

    /// Runs `body` with a started harness (`backend` for cache and queues) and an admin router client.
    static func withAdmin(
        _ backend: PortalHarness.Backend = .memory,
        _ body: @Sendable (OrderHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let harness = try await start(backend)
        do {
            try await Application(router: harness.adminRouter()).test(.router) { client in try await body(harness, client) }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// The audit rows of `action` on `subject`.
    func auditRows(action: String, subject: String) async throws -> [AuditEntry] {
        try await services.store.audit.entries(matching: AuditFilter(action: action, subject: subject), before: nil, limit: 100)
    }
}

/// A JSON object of a response.
func jsonObject(_ response: TestResponse) throws -> [String: Any] {
    (try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:]
}
