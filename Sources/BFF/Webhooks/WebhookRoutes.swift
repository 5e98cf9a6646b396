public import Hummingbird

// PLACEHOLDER (webhooks helper): replace with the real receivers (keep the type name and `add` signature).
/// The webhook receivers: `POST /webhooks/{stripe,whmcs,salesforce,sim,supplier}`.
public enum WebhookRoutes {
    public static func add(to router: Router<AppRequestContext>, services: AppServices) {}
}
