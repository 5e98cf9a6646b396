public import Queue

/// Registers the handlers of Atrium's product jobs on a worker: the same set in `atrium worker` processes and in the
/// embedded default's in-process workers.
public enum ProductJobs {
    public static func register(on worker: JobWorker, queue: String, services: JobServices) {
        switch queue {
        case FulfillmentJob.queue:
            worker.register(PlanChangeJob.name, handler: PlanChangeJob.handler(providers: services.providers, cache: services.cache, logger: services.logger))
            worker.register(FulfillmentJob.name, handler: FulfillmentSaga.handler(services: services))
        case OrderNotificationJob.queue:
            worker.register(OrderNotificationJob.name, handler: OrderNotificationJob.handler(services: services))
        case WebhookProcessingJob.queue:
            worker.register(WebhookProcessingJob.name, handler: WebhookProcessingJob.handler(services: services))
        default:
            break
        }
    }
}
