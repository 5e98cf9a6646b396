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

struct Migrate: NotBuiltYet {
    static let configuration = CommandConfiguration(abstract: "Apply PostgreSQL migrations (not built yet).")
    static let arrivesWith = "the PostgreSQL store, issue #6"
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print one JSON line of figures.",
        subcommands: [BenchRedis.self, BenchQueue.self, BenchSupplierFeed.self]
    )
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
