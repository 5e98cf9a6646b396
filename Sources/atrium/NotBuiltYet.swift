import ArgumentParser
import Foundation

/// A subcommand of PRODUCT.md whose feature has not been built: it says so and exits 1, with no pretend output.
protocol NotBuiltYet: ParsableCommand {
    static var arrivesWith: String { get }
}

extension NotBuiltYet {
    func run() throws {
        let name = Self.configuration.commandName ?? "\(Self.self)".lowercased()
        FileHandle.standardError.write(Data("atrium \(name): not built yet (arrives with \(Self.arrivesWith)); nothing was done\n".utf8))
        throw ExitCode.failure
    }
}

struct Worker: NotBuiltYet {
    static let configuration = CommandConfiguration(abstract: "Run queue workers (not built yet).")
    static let arrivesWith = "the job queue, issue #4"
    @Option(help: "Comma-separated queue names.") var queues: String?
    @Option(help: "Jobs run at once per process.") var concurrency: Int?
}

struct Migrate: NotBuiltYet {
    static let configuration = CommandConfiguration(abstract: "Apply PostgreSQL migrations (not built yet).")
    static let arrivesWith = "the PostgreSQL store, issue #6"
}

struct Sandbox: NotBuiltYet {
    static let configuration = CommandConfiguration(abstract: "Run the sandbox upstreams standalone (not built yet).")
    static let arrivesWith = "the provider adapters and sandbox, issue #5"
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print one JSON line of figures.",
        subcommands: [BenchRedis.self, Queue.self]
    )

    struct Queue: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "Job queue enqueue/drain/latency (not built yet).")
        static let arrivesWith = "the job queue, issue #4"
    }
}

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Operator commands for the job queue (not built yet).",
        subcommands: [Stats.self, Jobs.self, Retry.self, Remove.self, Pause.self, Resume.self, Smoke.self]
    )

    struct Stats: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "Counts per queue and state.")
        static let arrivesWith = "the job queue, issue #4"
    }
    struct Jobs: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "List jobs of a queue by state.")
        static let arrivesWith = "the job queue, issue #4"
    }
    struct Retry: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "Retry a failed or dead-lettered job.")
        static let arrivesWith = "the job queue, issue #4"
    }
    struct Remove: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "Remove a job.")
        static let arrivesWith = "the job queue, issue #4"
    }
    struct Pause: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "Pause a queue.")
        static let arrivesWith = "the job queue, issue #4"
    }
    struct Resume: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "Resume a paused queue.")
        static let arrivesWith = "the job queue, issue #4"
    }
    struct Smoke: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "End-to-end self-test: enqueue N jobs, report completed / lost / run-twice.")
        static let arrivesWith = "the job queue, issue #4"
        @Option(help: "Number of smoke jobs.") var jobs: Int = 1000
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Account administration (not built yet).",
        subcommands: [Create.self]
    )

    struct Create: NotBuiltYet {
        static let configuration = CommandConfiguration(abstract: "Bootstrap an admin or customer account.")
        static let arrivesWith = "authentication and the PostgreSQL store, issue #6"
    }
}
