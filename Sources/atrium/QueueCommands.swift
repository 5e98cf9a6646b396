import ArgumentParser
import BFF
import Foundation
import Queue
import RedisClient

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Operator commands for the job queues in REDIS_URL (output: JSON lines).",
        subcommands: [Stats.self, Jobs.self, Retry.self, Remove.self, Pause.self, Resume.self, Smoke.self]
    )

    /// Opens the queue named `name` and runs `body`, closing the pool after.
    static func with<T>(_ options: QueueOptions, queue name: String, command: String, _ body: (RedisJobQueue) async throws -> T) async throws -> T {
        let pool = RedisPool(configuration: try options.redis(for: "queue \(command)"))
        defer { Task { await pool.close() } }
        do {
            return try await body(RedisJobQueue(pool: pool, name: try QueueName(name), keyPrefix: options.keyPrefix))
        } catch let error as QueueError {
            FileHandle.standardError.write(Data("atrium queue \(command): \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts per state, one line per queue.")
        @Option(help: "Comma-separated queues.") var queues: String = productQueueNames.joined(separator: ",")
        @OptionGroup var options: QueueOptions

        func run() async throws {
            for name in try QueueOptions.queueNames(queues) {
                let counts = try await QueueCommand.with(options, queue: name.rawValue, command: "stats") { try await $0.counts() }
                printJSON([
                    "queue": name.rawValue, "waiting": counts.waiting, "delayed": counts.delayed, "active": counts.active,
                    "completed": counts.completed, "dead": counts.dead, "paused": counts.paused,
                ])
            }
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Jobs of one queue in one state, one line per job.")
        @Argument(help: "Queue name.") var queue: String
        @Option(help: "waiting, delayed, active, completed or dead.") var state: String = "dead"
        @Option(help: "Skip this many.") var offset: Int = 0
        @Option(help: "At most this many (1-1000).") var limit: Int = 50
        @OptionGroup var options: QueueOptions

        func run() async throws {
            guard let jobState = JobState(rawValue: state) else { throw ValidationError("--state must be one of \(JobState.allCases.map(\.rawValue))") }
            let jobs = try await QueueCommand.with(options, queue: queue, command: "jobs") {
                try await $0.jobs(in: jobState, offset: max(0, offset), limit: min(max(limit, 1), 1000))
            }
            for job in jobs { printJSON(job.summary) }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a dead-lettered job back to waiting with fresh attempts.")
        @Argument var queue: String
        @Argument var id: String
        @OptionGroup var options: QueueOptions

        func run() async throws {
            try await QueueCommand.with(options, queue: queue, command: "retry") { try await $0.retryDead(id: id, now: nowMillis()) }
            printJSON(["queue": queue, "id": id, "retried": true])
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a job in any state (a worker running it loses its lease).")
        @Argument var queue: String
        @Argument var id: String
        @OptionGroup var options: QueueOptions

        func run() async throws {
            try await QueueCommand.with(options, queue: queue, command: "remove") { try await $0.remove(id: id) }
            printJSON(["queue": queue, "id": id, "removed": true])
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop workers from claiming jobs of a queue.")
        @Argument var queue: String
        @OptionGroup var options: QueueOptions

        func run() async throws {
            try await QueueCommand.with(options, queue: queue, command: "pause") { try await $0.pause() }
            printJSON(["queue": queue, "paused": true])
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let workers claim jobs of a paused queue again.")
        @Argument var queue: String
        @OptionGroup var options: QueueOptions

        func run() async throws {
            try await QueueCommand.with(options, queue: queue, command: "resume") { try await $0.resume() }
            printJSON(["queue": queue, "paused": false])
        }
    }
}
