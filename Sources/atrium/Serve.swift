import ArgumentParser
import BFF
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server: the portal, order and admin APIs, webhook receivers, /metrics, /openapi.json, /docs, /health and /ready.",
        discussion: """
            With neither REDIS_URL nor DATABASE_URL set it runs the embedded default (in-memory backends; with \
            ATRIUM_UPSTREAMS=sandbox, the default, the five sandbox upstreams run in-process). \
            SIGTERM or SIGINT stops accepting connections, lets in-flight requests finish, and exits 0.
            """
    )

    func run() async throws {
        let config = try loadConfiguration()
        config.bootstrapLogging()
        let logger = Logger(label: "atrium")
        logger.info("starting atrium serve", metadata: ["config": "\(config)"])
        if config.isEmbeddedDefault {
            logger.notice("embedded default: in-memory backends, in-process sandbox upstreams and workers, demo accounts (password atrium-demo-password)")
        }
        let tracing = try bootstrapTracing(config, role: "serve", logger: logger)
        try await migrateAtStart(config, logger: logger)
        let app = try await buildApplication(config: config, logger: logger, observability: [tracing])
        try await app.runService()
        logger.info("atrium serve stopped")
    }
}

/// Parses the process environment; a bad value prints one line naming the variable and exits with code 2.
func loadConfiguration() throws -> AtriumConfig {
    do {
        return try AtriumConfig(environment: ProcessInfo.processInfo.environment)
    } catch {
        FileHandle.standardError.write(Data("atrium: configuration error: \(error.description)\n".utf8))
        throw ExitCode(2)
    }
}

/// Installs the process's tracer; a failure (a collector URL swift-otel refuses) stops the process with exit code 2.
func bootstrapTracing(_ config: AtriumConfig, role: String, logger: Logger) throws -> any Service {
    do {
        return try config.bootstrapTracing(role: role, logger: logger)
    } catch {
        FileHandle.standardError.write(Data("atrium: configuration error: tracing: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
