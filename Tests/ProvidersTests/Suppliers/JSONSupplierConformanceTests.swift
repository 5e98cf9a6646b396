import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// ``JSONSupplierAPI`` against a running ``SupplierSandbox`` over real HTTP: the whole supplier suite (catalog,
/// credentials, ordering, transport checks).
@Suite("JSON supplier API conformance")
struct JSONSupplierConformanceTests {
    static let pageSize = 25

    static func withSandbox(_ body: (SupplierSandbox, SandboxServer) async throws -> Void) async throws {
        let sandbox = try SupplierSandbox()
        let server = try await SandboxServer.start(sandbox)
        do {
            try await body(sandbox, server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func api(_ sandbox: SupplierSandbox, _ server: SandboxServer, setup: ProviderSetup = .standard) -> JSONSupplierAPI {
        var configuration = TransportConfiguration(baseURL: server.baseURL)
        setup.tune(&configuration)
        let key = setup.validCredentials ? sandbox.apiKey : SandboxSigning.randomSecret("sk_sup_")
        return JSONSupplierAPI(configuration: configuration, credentials: JSONSupplierCredentials(apiKey: key), supplierID: "acme", pageSize: pageSize)
    }

    static func harness(_ sandbox: SupplierSandbox, _ server: SandboxServer) throws -> SupplierHarness {
        SupplierHarness(
            control: sandbox.control,
            make: { setup in api(sandbox, server, setup: setup) },
            expectedItemCount: sandbox.itemCount,
            minimumItemCalls: (sandbox.itemCount + pageSize - 1) / pageSize,
            knownItemID: SupplierSandbox.knownItemID,
            unknownItemID: SupplierSandbox.unknownItemID,
            requiresCredentials: true,
            malformedCatalog: {
                sandbox.insertMalformedItem()
                return MalformedCatalog(provider: api(sandbox, server), expectedOffers: sandbox.itemCount, expectedInvalid: 1)
            },
            ordering: SupplierOrderingHarness(
                make: { setup in api(sandbox, server, setup: setup) },
                lines: [
                    PurchaseOrderRequest.Line(itemID: SupplierSandbox.knownItemID, quantity: try Quantity(2)),
                    PurchaseOrderRequest.Line(itemID: "SUP-00004", quantity: try Quantity(1)),
                ],
                placeOperation: SupplierSandbox.Operation.createPurchaseOrder
            ),
            itemsOperation: SupplierSandbox.Operation.listItems,
            offerOperation: SupplierSandbox.Operation.getItem
        )
    }

    @Test(arguments: SupplierConformance.all)
    func supplierConformance(_ check: SupplierCheck) async throws {
        try await Self.withSandbox { sandbox, server in try await check.run(Self.harness(sandbox, server)) }
    }

    // MARK: API specifics

    @Test func placeOrderSendsTheReferenceAsIdempotencyKeyAndTheLines() async throws {
        try await Self.withSandbox { sandbox, server in
            let api = Self.api(sandbox, server)
            let request = try PurchaseOrderRequest(
                lines: [PurchaseOrderRequest.Line(itemID: SupplierSandbox.knownItemID, quantity: Quantity(3))],
                reference: "ord_42:supplier",
                shipTo: PostalAddress(line1: "Václavské náměstí 1", city: "Praha", postalCode: "110 00", country: "CZ")
            )
            let order = try await api.placeOrder(request)
            #expect(order.status == .received)
            #expect(order.reference == "ord_42:supplier")
            #expect(order.total == Money(minorUnits: 3 * 2_099_000, currency: HeurekaFeedSettings.czk))
            let call = try #require(sandbox.control.calls(SupplierSandbox.Operation.createPurchaseOrder).last)
            #expect(call.header("Idempotency-Key") == "ord_42:supplier")
            #expect(call.header("X-Api-Key") == sandbox.apiKey)
            let stored = try #require(sandbox.purchaseOrder(order.id))
            #expect(stored["ship_to"]["city"].string == "Praha")
            #expect(stored["ship_to"]["postal_code"].string == "110 00")
            #expect(stored["lines"].array?.first?["quantity"].int == 3)
        }
    }

    @Test func aReusedReferenceWithOtherLinesIsAConflict() async throws {
        try await Self.withSandbox { sandbox, server in
            let api = Self.api(sandbox, server)
            let line = PurchaseOrderRequest.Line(itemID: SupplierSandbox.knownItemID, quantity: try Quantity(1))
            _ = try await api.placeOrder(PurchaseOrderRequest(lines: [line], reference: "ref-1"))
            let other = PurchaseOrderRequest.Line(itemID: SupplierSandbox.knownItemID, quantity: try Quantity(5))
            let error = try await expectProviderError(.conflict) { try await api.placeOrder(PurchaseOrderRequest(lines: [other], reference: "ref-1")) }
            #expect(error.upstreamCode == "idempotency_conflict")
        }
    }

    @Test func refusedLinesAreRejectedWithTheUpstreamCode() async throws {
        try await Self.withSandbox { sandbox, server in
            let api = Self.api(sandbox, server)
            let unknown = PurchaseOrderRequest.Line(itemID: SupplierSandbox.unknownItemID, quantity: try Quantity(1))
            var error = try await expectProviderError(.rejected) { try await api.placeOrder(PurchaseOrderRequest(lines: [unknown], reference: "r-unknown")) }
            #expect(error.upstreamCode == "unknown_item")
            #expect(error.upstreamStatus == 422)
            let empty = PurchaseOrderRequest.Line(itemID: SupplierSandbox.outOfStockItemID, quantity: try Quantity(1))
            error = try await expectProviderError(.rejected) { try await api.placeOrder(PurchaseOrderRequest(lines: [empty], reference: "r-empty")) }
            #expect(error.upstreamCode == "out_of_stock")
        }
    }

    @Test func aShippedOrderCannotBeCancelled() async throws {
        try await Self.withSandbox { sandbox, server in
            let api = Self.api(sandbox, server)
            let line = PurchaseOrderRequest.Line(itemID: SupplierSandbox.knownItemID, quantity: try Quantity(1))
            let order = try await api.placeOrder(PurchaseOrderRequest(lines: [line], reference: "ship-me"))
            #expect(sandbox.setStatus(orderID: order.id, to: "shipped") != nil)
            #expect(try await api.purchaseOrder(id: order.id).status == .shipped)
            let error = try await expectProviderError(.conflict) { try await api.cancelPurchaseOrder(id: order.id, reference: "ship-me") }
            #expect(error.upstreamCode == "order_not_cancellable")
        }
    }

    @Test func aMalformedItemIsReportedWithItsPagePath() async throws {
        try await Self.withSandbox { sandbox, server in
            let id = sandbox.insertMalformedItem()
            var paths: [String] = []
            for try await entry in Self.api(sandbox, server).items() {
                if case .invalid(let error) = entry { paths.append(error.path ?? "") }
            }
            // Inserted at index 60 of 121: page 3 (items 50…74) position 10.
            #expect(paths == ["$.items[10].price.amount"])
            try await expectProviderError(.invalidPayload) { try await Self.api(sandbox, server).offer(itemID: id) }
        }
    }
}
