import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// A 100 000-item generated feed through ``HeurekaFeedSupplier`` over real HTTP: every item arrives once, the
/// malformed ones are reported where they are and do not stop the feed. (Memory is measured by
/// `atrium bench supplier-feed`, not here: a test never asserts timing or RSS.)
@Suite("Heureka feed streaming")
struct HeurekaFeedStreamingTests {
    @Test func hundredThousandItemsStreamWithInvalidItemsReported() async throws {
        let items = 100_000
        let every = 997
        let sandbox = try SupplierSandbox()
        let server = try await SandboxServer.start(sandbox)
        do {
            var configuration = TransportConfiguration(baseURL: server.baseURL)
            configuration.deadline = .seconds(30)
            let supplier = HeurekaFeedSupplier(
                configuration: configuration,
                feed: HeurekaFeedSettings(supplierID: "bulk", productFeedPath: "/feeds/generated.xml?items=\(items)&seed=42&invalid_every=\(every)")
            )
            let generator = SupplierFeedGenerator(items: items, seed: 42, invalidEvery: every)
            var offers = 0
            var invalidPaths: [String] = []
            var lastID = ""
            var ordered = true
            for try await entry in supplier.items() {
                switch entry {
                case .offer(let offer):
                    offers += 1
                    ordered = ordered && offer.itemID > lastID
                    lastID = offer.itemID
                case .invalid(let error):
                    #expect(error.code == .invalidPayload)
                    invalidPaths.append(error.path ?? "")
                }
            }
            let expectedPaths = stride(from: every, through: items, by: every).compactMap { index in
                generator.malformation(at: index).map { "SHOP/SHOPITEM[\(index)]/\($0.element)" }
            }
            #expect(invalidPaths.count == items / every)
            #expect(invalidPaths == expectedPaths)
            #expect(offers == items - items / every)
            #expect(ordered, "items arrive once each, in document order")
            #expect(lastID == SupplierFeedGenerator.itemID(items))
            #expect(sandbox.control.callCount(SupplierSandbox.Operation.generatedFeed) == 1)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
