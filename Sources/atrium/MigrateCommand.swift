import ArgumentParser
import BFF
import Foundation
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending PostgreSQL migrations to DATABASE_URL.",
        discussion: """
            Prints one line per applied migration, or "up to date". Safe to run from several processes at once: they \
            take turns on an advisory lock and the later ones find nothing to do. `serve` and `worker` run the same \
            step at start. Exit codes: 0 ok, 1 a migration failed or PostgreSQL was unreachable, 2 DATABASE_URL \
            missing or invalid.
            """
    )

    @Option(help: "Seconds to wait for PostgreSQL to accept a connection (it may still be starting).")
    var connectTimeout: Int = 30

    func validate() throws {
        guard (1...3600).contains(connectTimeout) else { throw ValidationError("--connect-timeout must be 1...3600 seconds") }
    }

    func run() async throws {
        // Only DATABASE_URL matters here: migrating needs none of serve's secrets.
        let database = try requiredDatabase(for: "migrate")
        bootstrapCommandLogging()
        let applied = try await migrateOrExit(
            database,
            logger: Logger(label: "atrium.migrate"),
            connectWithin: .seconds(connectTimeout),
            printFailure: true
        )
        if applied.isEmpty {
            print("up to date")
        }
        for migration in applied {
            print("applied \(migration.version) \(migration.name)")
        }
    }
}

/// `DATABASE_URL` parsed on its own; missing or invalid prints one line and exits 2.
func requiredDatabase(for command: String) throws -> DatabaseConfiguration {
    let raw = ProcessInfo.processInfo.environment["DATABASE_URL"]?.trimmingCharacters(in: .whitespaces) ?? ""
    do throws(ConfigError) {
        guard !raw.isEmpty else { throw ConfigError("DATABASE_URL", "is required for atrium \(command)") }
        return try DatabaseConfiguration(url: raw)
    } catch {
        FileHandle.standardError.write(Data("atrium: configuration error: \(error.description)\n".utf8))
        throw ExitCode(2)
    }
}

/// Runs the migrations; a failure is logged (or, for the one-shot commands, printed as one line) and exits 1.
func migrateOrExit(
    _ database: DatabaseConfiguration,
    logger: Logger,
    connectWithin: Duration = .seconds(30),
    printFailure: Bool = false
) async throws -> [Migration] {
    do {
        return try await migrateDatabase(database, logger: logger, connectWithin: connectWithin)
    } catch {
        if printFailure {
            FileHandle.standardError.write(Data("atrium: database migration failed: \(error)\n".utf8))
        } else {
            logger.critical("database migration failed; not starting", metadata: ["error": "\(error)"])
        }
        throw ExitCode.failure
    }
}

/// `serve` and `worker`: with DATABASE_URL set, bring the schema up to date before starting (several
/// instances starting together are safe); the process does not start on a schema it cannot migrate.
func migrateAtStart(_ config: AtriumConfig, logger: Logger) async throws {
    guard let database = config.database else { return }
    let applied = try await migrateOrExit(database, logger: logger)
    logger.info("database schema up to date", metadata: ["applied": "\(applied.map(\.version))"])
}

/// Logs of the one-shot commands go to standard error, so standard output carries only their result.
func bootstrapCommandLogging(level: Logger.Level = .warning) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
