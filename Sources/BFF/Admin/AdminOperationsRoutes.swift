public import Hummingbird

/// Staff routes over the job queues, the cache and the upstream providers (`/api/v1/admin/…`).
///
/// | route | roles | controller |
/// | --- | --- | --- |
/// | `GET /admin/queues`, `GET /admin/queues/{name}/jobs`, `GET /admin/queues/{name}/jobs/{id}` | admin, ops | ``AdminQueueController`` |
/// | `POST /admin/queues/{name}/jobs/{id}/retry|remove|promote`, `POST /admin/queues/{name}/pause|resume`, `POST /admin/queues/{name}/dead/replay`, `POST /admin/jobs/{id}/retry` | admin, ops | ``AdminQueueController`` |
/// | `POST /admin/cache/invalidate` | admin, ops | ``AdminCacheController`` |
/// | `GET /admin/providers` | admin, ops, security | ``AdminProviderController`` |
public enum AdminOperationsRoutes {
    public static var guards: [AdminRouteGuard] {
        let queue = AdminQueueController.roles
        let queueRoutes: [AdminRouteGuard] = [
            AdminRouteGuard(.get, "/api/v1/admin/queues", queue),
            AdminRouteGuard(.get, "/api/v1/admin/queues/{name}/jobs", queue),
            AdminRouteGuard(.get, "/api/v1/admin/queues/{name}/jobs/{id}", queue),
            AdminRouteGuard(.post, "/api/v1/admin/queues/{name}/jobs/{id}/retry", queue),
            AdminRouteGuard(.post, "/api/v1/admin/queues/{name}/jobs/{id}/remove", queue),
            AdminRouteGuard(.post, "/api/v1/admin/queues/{name}/jobs/{id}/promote", queue),
            AdminRouteGuard(.post, "/api/v1/admin/queues/{name}/pause", queue),
            AdminRouteGuard(.post, "/api/v1/admin/queues/{name}/resume", queue),
            AdminRouteGuard(.post, "/api/v1/admin/queues/{name}/dead/replay", queue),
            AdminRouteGuard(.post, "/api/v1/admin/jobs/{id}/retry", queue),
        ]
        return queueRoutes + [
            AdminRouteGuard(.post, "/api/v1/admin/cache/invalidate", AdminCacheController.roles),
            AdminRouteGuard(.get, "/api/v1/admin/providers", AdminProviderController.roles),
        ]
    }

    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices) {
        add(to: api, services: services, providerStats: nil)
    }

    /// - Parameter providerStats: the recorder given to the ``ProviderRegistry``'s transports (through
    ///   ``TransportObservers``); with it `GET /admin/providers` adds each upstream's last 5 minutes.
    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices, providerStats: AdminProviderStats?) {
        let admin = api.group("admin", context: StaffContext.self)
        admin.addRoutes(AdminQueueController(services: services).routes)
        admin.addRoutes(AdminCacheController(services: services).routes)
        admin.addRoutes(AdminProviderController(services: services, stats: providerStats).routes)
    }
}
