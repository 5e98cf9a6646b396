import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// The billing conformance suite, run by ``WHMCSBillingProvider`` against ``WHMCSSandbox`` over real HTTP.
@Suite struct WHMCSConformanceTests {
    @Test(arguments: BillingConformance.all)
    func billing(_ check: BillingCheck) async throws {
        try await WHMCSTestEnvironment.run { environment in try await check.run(environment.harness) }
    }
}

/// A running sandbox and the adapter wired to it, torn down after each test (also on failure).
struct WHMCSTestEnvironment: Sendable {
    let sandbox: WHMCSSandbox
    let server: SandboxServer

    static let orderLines: [BillingOrderRequest.Line] = {
        guard let one = try? Quantity(1) else { return [] }
        return [
            BillingOrderRequest.Line(productID: WHMCSSandbox.mobilePlanPID, quantity: one, interval: .monthly),
            BillingOrderRequest.Line(productID: WHMCSSandbox.simStarterKitPID, quantity: one),
        ]
    }()

    /// Alice's seeded invoice count.
    static let aliceInvoices = 28

    static func run(_ body: (WHMCSTestEnvironment) async throws -> Void) async throws {
        let sandbox = try WHMCSSandbox()
        let server = try await SandboxServer.start(sandbox)
        do {
            try await body(WHMCSTestEnvironment(sandbox: sandbox, server: server))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The adapter with `setup` applied (tuning and, when asked, a wrong secret).
    func provider(_ setup: ProviderSetup = .standard) -> WHMCSBillingProvider {
        var configuration = TransportConfiguration(baseURL: server.baseURL)
        setup.tune(&configuration)
        let secret = setup.validCredentials ? sandbox.secrets.secret : "wrong-" + sandbox.secrets.secret
        return WHMCSBillingProvider(
            configuration: configuration,
            credentials: WHMCSCredentials(identifier: sandbox.secrets.identifier, secret: secret)
        )
    }

    var harness: BillingHarness {
        BillingHarness(
            control: server.control,
            make: { setup in self.provider(setup) },
            customerID: WHMCSSandbox.aliceClientID,
            invoicePageSize: 10,
            expectedInvoiceCount: Self.aliceInvoices,
            unknownCustomerID: "999999",
            unknownInvoiceID: "999999",
            orderLines: Self.orderLines,
            customerOperation: "GetClientsDetails",
            createOrderOperation: "AddOrder"
        )
    }
}
