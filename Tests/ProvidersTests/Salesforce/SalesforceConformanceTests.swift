import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// The CRM conformance suite against `SalesforceCRMProvider` and a fresh `SalesforceSandbox` per check, over HTTP.
@Suite("Salesforce CRM conformance")
struct SalesforceConformanceTests {
    @Test(arguments: CRMConformance.all)
    func salesforce(_ check: CRMCheck) async throws {
        try await SalesforceTestOrg.with { org in try await check.run(org.harness()) }
    }
}

/// A running sandbox org and adapters pointed at it.
struct SalesforceTestOrg: Sendable {
    let sandbox: SalesforceSandbox
    let server: SandboxServer

    static let unknownAccountID = "001DM00000NOBODYAA"

    /// Runs `body` against a fresh sandbox, stopped afterwards whether `body` throws or not.
    static func with(_ body: (SalesforceTestOrg) async throws -> Void) async throws {
        let sandbox = try SalesforceSandbox()
        let server = try await SandboxServer.start(sandbox)
        do {
            try await body(SalesforceTestOrg(sandbox: sandbox, server: server))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func provider(_ setup: ProviderSetup = .standard) -> SalesforceCRMProvider {
        var configuration = TransportConfiguration(baseURL: server.baseURL)
        setup.tune(&configuration)
        let secret = setup.validCredentials ? sandbox.sandboxCredentials.clientSecret : "not-the-secret"
        return SalesforceCRMProvider(
            configuration: configuration,
            credentials: SalesforceCredentials(clientID: sandbox.sandboxCredentials.clientID, clientSecret: secret)
        )
    }

    func harness() throws -> CRMHarness {
        let eur = try Currency("EUR")
        let org = self
        let sandbox = self.sandbox
        return CRMHarness(
            control: sandbox.control,
            make: { setup in org.provider(setup) },
            accountID: SalesforceSandbox.aliceAccountID,
            accountEmail: try EmailAddress(SalesforceSandbox.aliceEmail),
            unknownAccountID: Self.unknownAccountID,
            unknownOrderID: "801DM0000099999AAA",
            unknownCaseID: "500DM0000099999AAA",
            casePageSize: 10,
            expectedCaseCount: sandbox.caseCount(accountID: SalesforceSandbox.aliceAccountID),
            productPageSize: 10,
            expectedProductCount: sandbox.activeProductCount,
            orderItems: [
                OrderItem(sku: try SKU("SIM-5GB"), name: "SIM 5 GB", kind: .sim, quantity: try Quantity(2), unitPrice: Money(minorUnits: 990, currency: eur)),
                OrderItem(
                    sku: try SKU("ROUTER-AX3000"), name: "Wi-Fi 6 Router AX3000", kind: .physical, quantity: try Quantity(1),
                    unitPrice: Money(minorUnits: 12900, currency: eur)
                ),
            ],
            expireSession: { sandbox.expireTokens() },
            tokenOperation: SalesforceSandbox.tokenOperation,
            accountOperation: SalesforceSandbox.accountGetOperation
        )
    }
}
