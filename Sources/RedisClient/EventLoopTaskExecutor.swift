public import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Tasks that mostly talk to Redis run fastest on the event loop their connection lives on: the write and
/// the reply then never cross threads. Use it as `group.addTask(executorPreference: pool.taskExecutor) { … }`
/// or `withTaskExecutorPreference(pool.taskExecutor) { … }`. Work that blocks must never run here.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
