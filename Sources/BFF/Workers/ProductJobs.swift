public import Queue

/// Registers the handlers of Atrium's product jobs on a worker: the same set in `atrium worker` processes and in the
/// embedded default's in-process workers.
public enum ProductJobs {
    public static func register(on worker: JobWorker, queue: String, services: JobServices) {
        // Each run is a span joined to the trace of whatever enqueued the job (``JobTracing``).
        func add(_ name: String, _ handler: @escaping JobWorker.Handler) {
            worker.register(name, handler: JobTracing.traced(name, queue: queue, handler))
        }
        switch queue {
        case FulfillmentJob.queue:
            add(PlanChangeJob.name, PlanChangeJob.handler(providers: services.providers, cache: services.cache, logger: services.logger))
            add(FulfillmentJob.name, FulfillmentSaga.handler(services: services))
        case OrderNotificationJob.queue:
            add(OrderNotificationJob.name, OrderNotificationJob.handler(services: services))
        case WebhookProcessingJob.queue:
            add(WebhookProcessingJob.name, WebhookProcessingJob.handler(services: services))
        default:
            break
        }
    }
}
