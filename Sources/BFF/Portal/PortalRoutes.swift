public import Hummingbird

/// The customer portal API under `/api/v1` (PRODUCT.md "HTTP API"), for customer tokens only.
///
/// | route | controller | cached (`X-Cache`) |
/// | --- | --- | --- |
/// | `GET /me` | ``DashboardController`` | no (Atrium's own store) |
/// | `GET /dashboard` | ``DashboardController`` | yes, combined over its sections |
/// | `GET /invoices`, `GET /invoices/{id}`, `GET /subscriptions`, `GET /payment-methods` | ``BillingController`` | yes |
/// | `GET /sims`, `GET /sims/{id}`, `GET /sims/{id}/usage` | ``SIMController`` | yes |
/// | `POST /sims/{id}/plan-change` (202, queues ``PlanChangeJob``) | ``SIMController`` | no |
/// | `GET /catalog`, `GET /catalog/{sku}` | ``CatalogController`` | yes (per tenant) |
/// | `GET /cases`, `GET /cases/{id}` | ``CasesController`` | yes |
/// | `POST /cases`, `POST /cases/{id}/comments` (201) | ``CasesController`` | no |
///
/// Every handler takes a ``PortalContext``, whose initialiser refuses anything but a customer identity (401/403),
/// so the customer is never optional and never read from the query or body. Upstream ids come from the account's
/// links in the store. Upstream failures become problems in ``UpstreamProblemMiddleware``; every mutation leaves an
/// audit row (``PortalAuditMiddleware``).
public enum PortalRoutes {
    public static func add(to group: RouterGroup<AppRequestContext>, services: AppServices) {
        let cursors = PortalCursorCodec(secret: services.jwtSecret)
        let portal = group.group(context: PortalContext.self)
            .add(middleware: PortalAuditMiddleware(services: services))
            .add(middleware: UpstreamProblemMiddleware<PortalContext>())
        portal.addRoutes(DashboardController(services: services).routes)
        portal.addRoutes(BillingController(services: services, cursors: cursors).routes)
        portal.addRoutes(SIMController(services: services, cursors: cursors).routes)
        portal.addRoutes(CatalogController(services: services, cursors: cursors).routes)
        portal.addRoutes(CasesController(services: services, cursors: cursors).routes)
    }
}
