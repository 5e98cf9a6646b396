public import Hummingbird

// PLACEHOLDER (admin customers helper): customers, orders, audit and webhook inbox routes.
/// Staff routes over customers, orders, the audit log and the webhook inbox.
public enum AdminCustomerRoutes {
    public static var guards: [AdminRouteGuard] { [] }
    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices) {}
}
