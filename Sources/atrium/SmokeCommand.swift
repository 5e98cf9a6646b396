import ArgumentParser
import BFF
import Foundation
import Queue
import RedisClient

extension QueueCommand {
    /// The operator's end-to-end self-test after a deploy.
    struct Smoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enqueue N smoke jobs, wait for the workers, report completed / lost / ran-twice (exit 1 if any is lost).",
            discussion: """
                Needs running `atrium worker` processes serving the queue. Each smoke job records its runs in Redis. \
                `ran_twice` counts jobs that ran more than once: expected only for jobs whose worker died mid-run \
                (at-least-once delivery). Poison jobs (--poison) always fail and must end in the dead-letter set.
                """
        )

        @Option(help: "Smoke jobs to enqueue.") var jobs: Int = 1000
        @Option(help: "Queue to use.") var queue: String = "maintenance"
        @Option(help: "Extra jobs that always fail (3 attempts, 100 ms apart) and must be dead-lettered.") var poison: Int = 0
        @Option(help: "Give up waiting after this many seconds.") var timeout: Double = 300
        @OptionGroup var options: QueueOptions

        func run() async throws {
            let pool = RedisPool(configuration: try options.redis(for: "queue smoke"))
            defer { Task { await pool.close() } }
            let queue = RedisJobQueue(pool: pool, name: try QueueName(self.queue), keyPrefix: options.keyPrefix)
            let run = UUID().uuidString.lowercased()
            let started = ContinuousClock.now
            try await enqueueAll(queue, run: run)
            FileHandle.standardError.write(Data("atrium queue smoke: enqueued \(jobs) jobs (+\(poison) poison), run \(run)\n".utf8))

            let key = SmokeJob.runsKey(run, prefix: options.keyPrefix)
            let deadline = started + .milliseconds(Int64(timeout * 1000))
            var recorded: [String: Int] = [:]
            var deadPoison = 0
            while ContinuousClock.now < deadline {
                // Tolerate Redis restarts while waiting: the point is to see whether jobs survive them.
                let count = (try? await pool.send("HLEN", key).int) ?? 0
                if count >= Int64(jobs) {
                    deadPoison = (try? await countDeadPoison(queue, run: run)) ?? 0
                    if deadPoison >= poison { break }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            if let all = try? await pool.send("HGETALL", key).array {
                for index in stride(from: 0, to: all.count - 1, by: 2) {
                    if let field = all[index].string, let times = all[index + 1].int { recorded[field] = Int(times) }
                }
            }
            deadPoison = (try? await countDeadPoison(queue, run: run)) ?? deadPoison
            let elapsed = ContinuousClock.now - started
            let completed = recorded.count
            let lost = jobs - completed
            printJSON([
                "jobs": jobs, "completed": completed, "lost": lost, "ran_twice": recorded.values.filter { $0 > 1 }.count,
                "poison": poison, "poison_dead_lettered": deadPoison,
                "seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            ])
            if lost > 0 || deadPoison < poison { throw ExitCode.failure }
        }

        private func enqueueAll(_ queue: RedisJobQueue, run: String) async throws {
            let encoder = JSONEncoder()
            let poisonOptions = JobOptions(retry: RetryPolicy(attempts: 3, backoff: .fixed(.milliseconds(100))))
            try await withThrowingTaskGroup(of: Void.self) { group in
                // 64 producers at once: enqueues pipeline over the pool's connection.
                for producer in 0..<64 {
                    group.addTask {
                        var index = producer
                        while index < jobs + poison {
                            let poisoned = index >= jobs
                            let payload = Array(try encoder.encode(SmokeJob.Payload(run: run, index: index, poison: poisoned)))
                            _ = try await queue.enqueue(
                                name: SmokeJob.name, payload: payload, options: poisoned ? poisonOptions : JobOptions(jobID: "smoke-\(run)-\(index)"),
                                now: nowMillis()
                            )
                            index += 64
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        private func countDeadPoison(_ queue: RedisJobQueue, run: String) async throws -> Int {
            guard poison > 0 else { return 0 }
            let dead = try await queue.jobs(in: .dead, offset: 0, limit: max(poison * 2, 100))
            return try dead.filter { $0.name == SmokeJob.name }.map { try $0.decode(SmokeJob.Payload.self) }.filter { $0.run == run && $0.poison }.count
        }
    }
}
