public import Hummingbird

/// The order routes of the portal (`/api/v1/orders…`) and the staff approval (`/api/v1/admin/orders/{id}/approve`).
///
/// | route | context | controller |
/// | --- | --- | --- |
/// | `POST /orders` (201), `GET /orders`, `GET /orders/{id}` | ``PortalContext`` | ``OrderController`` |
/// | `GET /orders/{id}/events` (Server-Sent Events) | ``PortalContext`` | ``OrderController``, ``OrderEventStream`` |
/// | `POST /admin/orders/{id}/approve` (202/200; roles admin, ops, sales) | ``StaffContext`` | ``AdminOrderController`` |
///
/// Upstream, store and state-machine errors become problems in ``UpstreamProblemMiddleware`` and
/// ``OrderProblemMiddleware``; customer mutations leave an audit row (``PortalAuditMiddleware``), staff ones
/// write their own.
public enum OrderRoutes {
    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices) {
        add(to: api, services: services, keepAlive: OrderEventStream.defaultKeepAlive)
    }

    /// - Parameter keepAlive: the interval of the event stream's keep-alive comments (tests shorten it).
    static func add(to api: RouterGroup<AppRequestContext>, services: AppServices, keepAlive: Duration) {
        let portal = api.group(context: PortalContext.self)
            .add(middleware: PortalAuditMiddleware(services: services))
            .add(middleware: UpstreamProblemMiddleware<PortalContext>())
            .add(middleware: OrderProblemMiddleware<PortalContext>())
        let cursors = PortalCursorCodec(secret: services.jwtSecret)
        portal.addRoutes(OrderController(services: services, cursors: cursors, keepAlive: keepAlive).routes)

        let admin = api.group("admin", context: StaffContext.self)
            .add(middleware: UpstreamProblemMiddleware<StaffContext>())
            .add(middleware: OrderProblemMiddleware<StaffContext>())
        admin.addRoutes(AdminOrderController(services: services).routes)
    }
}
