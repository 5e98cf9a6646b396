public import Hummingbird

/// Staff routes over customers, orders, the audit log and the webhook inbox (`/api/v1/admin/…`).
///
/// | route | roles | controller |
/// | --- | --- | --- |
/// | `GET /admin/customers?q=`, `GET /admin/customers/{id}` | admin, sales, ops, finance | ``AdminCustomerController`` |
/// | `GET /admin/orders`, `POST /admin/orders/{id}/cancel` | admin, ops, sales (list also finance) | ``AdminOrderListController`` |
/// | `GET /admin/orders/{id}` (timeline, saga steps, fulfillment job) | admin, ops, sales, finance | ``AdminOrderDetailController`` |
/// | `POST /admin/orders/{id}/retry` | admin, ops | ``AdminOrderListController`` |
/// | `GET /admin/audit` | admin, security | ``AdminAuditController`` |
/// | `GET /admin/webhooks`, `GET /admin/webhooks/{id}`, `POST /admin/webhooks/{id}/replay` | admin, ops | ``AdminWebhookController`` |
///
/// Staff act on their own tenant's data only: another tenant's customer, order or webhook is 404. Every mutation
/// writes an audit row (``AdminAuditTrail``).
public enum AdminCustomerRoutes {
    static let customerRoles: Set<Role> = [.admin, .sales, .ops, .finance]
    static let orderReaders: Set<Role> = [.admin, .ops, .sales, .finance]
    static let orderCancellers: Set<Role> = [.admin, .ops, .sales]
    static let orderRetriers: Set<Role> = [.admin, .ops]
    static let auditRoles: Set<Role> = [.admin, .security]
    static let webhookRoles: Set<Role> = [.admin, .ops]

    public static var guards: [AdminRouteGuard] {
        [
            AdminRouteGuard(.get, "/api/v1/admin/customers", customerRoles),
            AdminRouteGuard(.get, "/api/v1/admin/customers/{id}", customerRoles),
            AdminRouteGuard(.get, "/api/v1/admin/orders", orderReaders),
            AdminRouteGuard(.get, "/api/v1/admin/orders/{id}", orderReaders),
            AdminRouteGuard(.post, "/api/v1/admin/orders/{id}/cancel", orderCancellers),
            AdminRouteGuard(.post, "/api/v1/admin/orders/{id}/retry", orderRetriers),
            AdminRouteGuard(.get, "/api/v1/admin/audit", auditRoles),
            AdminRouteGuard(.get, "/api/v1/admin/webhooks", webhookRoles),
            AdminRouteGuard(.get, "/api/v1/admin/webhooks/{id}", webhookRoles),
            AdminRouteGuard(.post, "/api/v1/admin/webhooks/{id}/replay", webhookRoles),
        ]
    }

    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices) {
        let admin = api.group("admin", context: StaffContext.self)
            .add(middleware: UpstreamProblemMiddleware<StaffContext>())
            .add(middleware: OrderProblemMiddleware<StaffContext>())
        let cursors = PortalCursorCodec(secret: services.jwtSecret)
        let customers = AdminCustomerController(services: services)
        admin.addRoutes(guarded(customerRoles, services) { $0.get("customers", use: customers.search); $0.get("customers/:id", use: customers.view) })
        let orders = AdminOrderListController(services: services, cursors: cursors)
        let detail = AdminOrderDetailController(services: services)
        admin.addRoutes(guarded(orderReaders, services) { $0.get("orders", use: orders.list); $0.get("orders/:id", use: detail.detail) })
        admin.addRoutes(guarded(orderCancellers, services) { $0.post("orders/:id/cancel", use: orders.cancel) })
        admin.addRoutes(guarded(orderRetriers, services) { $0.post("orders/:id/retry", use: orders.retry) })
        let audit = AdminAuditController(services: services, cursors: cursors)
        admin.addRoutes(guarded(auditRoles, services) { $0.get("audit", use: audit.list) })
        let webhooks = AdminWebhookController(services: services, cursors: cursors)
        admin.addRoutes(
            guarded(webhookRoles, services) {
                $0.get("webhooks", use: webhooks.list)
                $0.get("webhooks/:id", use: webhooks.inspect)
                $0.post("webhooks/:id/replay", use: webhooks.replay)
            }
        )
    }

    /// A route collection whose routes all pass a ``StaffRoleGate`` of `roles` first.
    private static func guarded(
        _ roles: Set<Role>, _ services: AppServices, _ build: (RouteCollection<StaffContext>) -> Void
    ) -> RouteCollection<StaffContext> {
        let routes = RouteCollection(context: StaffContext.self)
        routes.add(middleware: StaffRoleGate(allowing: roles, services: services))
        build(routes)
        return routes
    }
}
