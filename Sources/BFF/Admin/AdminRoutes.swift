public import HTTPTypes
public import Hummingbird

/// One admin route and the staff roles it allows (PRODUCT.md: "each admin route names the roles it allows;
/// everything else is denied"). The role-matrix test calls every admin route of the router with every role and
/// a customer token and checks the answers against these declarations; an admin route missing here fails it.
public struct AdminRouteGuard: Sendable, Hashable {
    public let method: HTTPRequest.Method
    /// The route as the router knows it, e.g. `/api/v1/admin/orders/{id}/approve`.
    public let path: String
    public let roles: Set<Role>

    public init(_ method: HTTPRequest.Method, _ path: String, _ roles: Set<Role>) {
        self.method = method
        self.path = path
        self.roles = roles
    }
}

/// The admin API (`/api/v1/admin/…`, staff tokens only): each area adds its routes and declares their guards.
public enum AdminRoutes {
    /// Every admin route with its allowed roles.
    public static var guards: [AdminRouteGuard] {
        [AdminRouteGuard(.post, "/api/v1/admin/orders/{id}/approve", [.admin, .ops, .sales])]
            + AdminCustomerRoutes.guards + AdminOperationsRoutes.guards
    }

    /// Adds the admin areas' routes under `api` (= `/api/v1`). The order approval is added by ``OrderRoutes``.
    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices) {
        AdminCustomerRoutes.add(to: api, services: services)
        AdminOperationsRoutes.add(to: api, services: services, providerStats: services.providerStats)
    }
}
