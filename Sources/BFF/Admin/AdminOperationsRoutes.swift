public import Hummingbird

// PLACEHOLDER (admin operations helper): queues, jobs, cache and provider routes.
/// Staff routes over the job queues, the cache and the upstream providers.
public enum AdminOperationsRoutes {
    public static var guards: [AdminRouteGuard] { [] }
    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices) {}
}
