import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// The SIM conformance suite: ``SIMPlatformProvider`` against a fresh ``SIMSandbox`` per check, over real HTTP.
@Suite struct SIMConformanceTests {
    @Test(arguments: SIMConformance.all)
    func simPlatform(_ check: SIMCheck) async throws {
        try await SIMTestServer.run { sandbox, server in
            try await check.run(SIMTestServer.harness(sandbox, server))
        }
    }
}

/// Starts a sandbox with short operations for one test and always stops it.
enum SIMTestServer {
    /// Long enough that the lock checks' calls land while an operation still runs, even on a loaded machine.
    static let operationDelay: Duration = .seconds(1)

    static func run(
        operationDelay: Duration = operationDelay,
        usageRequestsPerSecond: Int = 5,
        _ body: (SIMSandbox, SandboxServer) async throws -> Void
    ) async throws {
        let sandbox = try SIMSandbox(operationDelay: operationDelay, usageRequestsPerSecond: usageRequestsPerSecond)
        let server = try await SandboxServer.start(sandbox)
        do {
            try await body(sandbox, server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func provider(_ sandbox: SIMSandbox, _ server: SandboxServer, setup: ProviderSetup = .standard) -> SIMPlatformProvider {
        var configuration = TransportConfiguration(baseURL: server.baseURL)
        setup.tune(&configuration)
        let credentials = SIMCredentials(oemID: sandbox.oemID, oemKey: setup.validCredentials ? sandbox.oemKey : "wrong-" + sandbox.oemKey)
        return SIMPlatformProvider(configuration: configuration, credentials: credentials)
    }

    static func harness(_ sandbox: SIMSandbox, _ server: SandboxServer) -> SIMHarness {
        SIMHarness(
            control: sandbox.control,
            make: { setup in provider(sandbox, server, setup: setup) },
            accountID: SIMSandbox.aliceAccountID,
            plan: SIMSandbox.plan20GB,
            unknownLineID: SIMSandbox.unknownLineID,
            unknownOperationID: "OP-999999",
            expireAuth: { sandbox.expireAuthKeys() },
            linesOperation: SIMSandbox.Operations.account,
            authOperation: SIMSandbox.Operations.auth,
            changePlanOperation: SIMSandbox.Operations.changePlan
        )
    }
}
