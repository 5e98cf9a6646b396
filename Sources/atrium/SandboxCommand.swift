import ArgumentParser
import Foundation
import Logging
import Sandbox
import ServiceLifecycle
import UnixSignals

/// `atrium sandbox`: the five sandbox upstreams standalone on loopback, for frontend work and tests.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the sandbox upstreams (Stripe-, WHMCS-, Salesforce-like, SIM platform, supplier) on loopback.",
        discussion: """
            Prints one JSON line at start: per upstream (stripe, whmcs, salesforce, sim, supplier) its base_url and the \
            credentials and webhook_secret it accepts. Each sandbox also serves /_sandbox/calls and /_sandbox/faults \
            (inject latency, errors, 429s, malformed or truncated bodies, hangs). SIGTERM or SIGINT stops them.
            """
    )

    @Option(help: "Address to listen on (loopback by default).") var host = "127.0.0.1"
    @Option(help: "First port: the five listen on PORT…PORT+4 (stripe, whmcs, salesforce, sim, supplier). Default: free ports.")
    var basePort: Int?
    @Option(help: "Send signed webhooks to <URL>/<upstream>, e.g. http://127.0.0.1:8080/webhooks.") var webhookURL: String?
    @Option(help: "Milliseconds the SIM platform's asynchronous operations take.") var simOperationDelayMs: Int = 1500
    @Option(help: "Free SIM cards in the platform's pool (1…999).") var simPoolSize: Int = 24

    func validate() throws {
        guard (0...600_000).contains(simOperationDelayMs) else { throw ValidationError("--sim-operation-delay-ms must be 0…600000") }
        guard (1...999).contains(simPoolSize) else { throw ValidationError("--sim-pool-size must be 1…999") }
    }

    func run() async throws {
        var logger = Logger(label: "atrium.sandbox")
        logger.logLevel = .warning
        let sandboxes = try await SandboxUpstreams.start(
            host: host, basePort: basePort, webhookBaseURL: webhookURL, simOperationDelay: .milliseconds(simOperationDelayMs),
            simPoolSize: simPoolSize, logger: logger
        )
        FileHandle.standardOutput.write(Data((sandboxes.announcement + "\n").utf8))
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: SandboxLifetime(sandboxes: sandboxes))], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}

/// Keeps the sandboxes up until graceful shutdown, then stops them.
struct SandboxLifetime: Service {
    let sandboxes: SandboxUpstreams

    func run() async throws {
        try? await gracefulShutdown()
        await sandboxes.stop()
    }
}
