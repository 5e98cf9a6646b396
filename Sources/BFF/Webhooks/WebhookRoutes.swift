import Domain
public import Hummingbird

/// The webhook receivers: `POST /webhooks/{stripe,whmcs,salesforce,sim,supplier}` (no `/api/v1`).
///
/// They take no bearer token (the signature authenticates the sender), are never rate limited
/// (`RateLimitPolicy.forPath`) and never replayed by `Idempotency-Key` (the inbox de-duplicates by event id).
/// See ``WebhookReceiver`` for what each request goes through.
public enum WebhookRoutes {
    /// How long a receiver waits on its backends before answering 503 (so the upstream retries) rather than
    /// keep the upstream waiting.
    struct Limits: Sendable, Hashable {
        /// The inbox insert (PostgreSQL); its own `statement_timeout` is 5 s too.
        var store: Duration
        /// Enqueueing the processing job (Redis).
        var enqueue: Duration

        init(store: Duration = .seconds(5), enqueue: Duration = .seconds(3)) {
            self.store = store
            self.enqueue = enqueue
        }
    }

    public static func add(to router: Router<AppRequestContext>, services: AppServices) {
        let limits = Limits()
        let group = router.group("webhooks")
        for upstream in WebhookUpstream.all {
            let receiver = WebhookReceiver(upstream: upstream, services: services, limits: limits)
            group.post(RouterPath(upstream.id.rawValue)) { request, context in
                try await receiver.receive(request, context: context)
            }
        }
    }
}
