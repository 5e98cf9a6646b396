public import Logging
public import Queue

/// Registers the handlers of Atrium's product jobs on a worker: the same set in `atrium worker` processes and in the
/// embedded default's in-process workers.
public enum ProductJobs {
    public static func register(on worker: JobWorker, queue: String, providers: ProviderRegistry, cache: Cache, logger: Logger) {
        if queue == PlanChangeJob.queue {
            worker.register(PlanChangeJob.name, handler: PlanChangeJob.handler(providers: providers, cache: cache, logger: logger))
        }
    }
}
