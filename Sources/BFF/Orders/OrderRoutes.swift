public import Hummingbird

// PLACEHOLDER (orders API helper): replace with the real routes (keep the type name and `add` signature).
/// The order routes of the portal (`/api/v1/orders…`) and the staff approval (`/api/v1/admin/orders/{id}/approve`).
public enum OrderRoutes {
    public static func add(to api: RouterGroup<AppRequestContext>, services: AppServices) {}
}
