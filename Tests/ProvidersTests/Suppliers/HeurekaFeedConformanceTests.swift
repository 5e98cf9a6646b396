import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// ``HeurekaFeedSupplier`` against a running ``SupplierSandbox`` over real HTTP: the supplier suite without the
/// credentials check (the generated feed is public, as Heureka feeds are) and without ordering (a feed cannot take
/// orders), plus the transport checks on `offer(itemID:)`, and what is particular to streaming feeds.
@Suite("Heureka feed conformance")
struct HeurekaFeedConformanceTests {
    static let feedItems = 1_500
    static let feedPath = "/feeds/generated.xml?items=\(feedItems)&seed=7"

    /// Starts a fresh sandbox, runs `body`, and stops the sandbox also when `body` fails.
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

    static func supplier(_ server: SandboxServer, path: String, availability: String? = nil, setup: ProviderSetup = .standard) -> HeurekaFeedSupplier {
        var configuration = TransportConfiguration(baseURL: server.baseURL)
        setup.tune(&configuration)
        return HeurekaFeedSupplier(
            configuration: configuration,
            feed: HeurekaFeedSettings(supplierID: "generated", productFeedPath: path, availabilityFeedPath: availability)
        )
    }

    static func harness(_ sandbox: SupplierSandbox, _ server: SandboxServer) -> SupplierHarness {
        SupplierHarness(
            control: sandbox.control,
            make: { setup in supplier(server, path: feedPath, setup: setup) },
            expectedItemCount: feedItems,
            minimumItemCalls: 1,
            // The last item: a truncated feed cannot contain it.
            knownItemID: SupplierFeedGenerator.itemID(feedItems),
            unknownItemID: "NOT-IN-FEED",
            requiresCredentials: false,
            malformedCatalog: {
                MalformedCatalog(
                    provider: supplier(server, path: "/feeds/generated.xml?items=200&seed=3&invalid_every=10"),
                    expectedOffers: 180,
                    expectedInvalid: 20
                )
            },
            ordering: nil,
            itemsOperation: SupplierSandbox.Operation.generatedFeed,
            offerOperation: SupplierSandbox.Operation.generatedFeed
        )
    }

    @Test(arguments: SupplierConformance.checks(credentials: false, ordering: false))
    func supplierConformance(_ check: SupplierCheck) async throws {
        try await Self.withSandbox { sandbox, server in try await check.run(Self.harness(sandbox, server)) }
    }

    // MARK: Feed specifics

    @Test func generatedItemsMapToTheValuesTheGeneratorWrote() async throws {
        try await Self.withSandbox { _, server in
            let generator = SupplierFeedGenerator(items: 50, seed: 11)
            var offers: [SupplierOffer] = []
            for try await entry in Self.supplier(server, path: "/feeds/generated.xml?items=50&seed=11").items() {
                if case .offer(let offer) = entry { offers.append(offer) }
            }
            try #require(offers.count == 50)
            for (index, offer) in offers.enumerated() {
                let expected = generator.item(at: index + 1)
                #expect(offer.itemID == expected.id)
                #expect(offer.name == expected.name)
                #expect(offer.price == Money(minorUnits: expected.priceMinorUnits, currency: HeurekaFeedSettings.czk))
                #expect(offer.ean == expected.ean)
                #expect(offer.stock.deliveryDays == expected.deliveryDays)
                #expect(offer.stock.availability == (expected.deliveryDays == 0 ? .inStock : .backorder))
            }
        }
    }

    @Test(arguments: SupplierFeedGenerator.Encoding.allCases)
    func invalidItemsAreReportedWithTheirExactPaths(encoding: SupplierFeedGenerator.Encoding) async throws {
        try await Self.withSandbox { _, server in
            let generator = SupplierFeedGenerator(items: 90, seed: 5, invalidEvery: 7, encoding: encoding)
            let path = "/feeds/generated.xml?items=90&seed=5&invalid_every=7&encoding=\(encoding.rawValue)"
            var paths: [String] = []
            var names: [String] = []
            for try await entry in Self.supplier(server, path: path).items() {
                switch entry {
                case .offer(let offer): names.append(offer.name)
                case .invalid(let error): paths.append(error.path ?? "")
                }
            }
            let expected = (1...90).compactMap { index in
                generator.malformation(at: index).map { "SHOP/SHOPITEM[\(index)]/\($0.element)" }
            }
            #expect(paths == expected)
            #expect(names.count == 90 - generator.invalidCount)
            #expect(names.first == generator.item(at: 1).name, "Czech letters survive \(encoding.rawValue)")
        }
    }

    @Test func fixtureFeedsStreamThroughTheAdapter() async throws {
        try await Self.withSandbox { _, server in
            var count = 0
            for try await entry in Self.supplier(server, path: "/feeds/derived/heureka-product-feed-windows-1250.xml").items() {
                if case .offer(let offer) = entry, offer.itemID == "kun-1250" { #expect(offer.name == "Žluťoučký kůň úpěl ďábelské ódy") }
                count += 1
            }
            #expect(count == 2)
        }
    }

    @Test(arguments: ["broken_xxe.xml", "broken_billion_laughs.xml", "broken_truncated.xml", "broken_not_xml.xml"])
    func brokenDocumentEndsTheStreamWithInvalidPayload(file: String) async throws {
        try await Self.withSandbox { _, server in
            let supplier = Self.supplier(server, path: "/feeds/derived/\(file)")
            let error = try await expectProviderError(.invalidPayload) {
                for try await _ in supplier.items() {}
            }
            #expect(error.path?.isEmpty == false)
        }
    }

    @Test func offerTakesStockFromTheAvailabilityFeed() async throws {
        try await Self.withSandbox { _, server in
            let supplier = Self.supplier(
                server,
                path: "/feeds/generated.xml?items=40&seed=2",
                availability: "/feeds/generated-availability.xml?items=40&seed=2"
            )
            for index in [1, 17, 40] {
                let offer = try await supplier.offer(itemID: SupplierFeedGenerator.itemID(index))
                let quantity = SupplierFeedGenerator.availableQuantity(index, seed: 2)
                #expect(offer.stock.quantity == quantity)
                #expect(offer.stock.availability == (quantity > 0 ? .inStock : .backorder))
                if quantity == 0 { #expect(offer.stock.deliveryDays == 3) }
            }
        }
    }

    @Test func offerStopsReadingOnceTheItemIsFound() async throws {
        try await Self.withSandbox { sandbox, server in
            let supplier = Self.supplier(server, path: "/feeds/generated.xml?items=2000000&seed=1")
            let start = ContinuousClock.now
            let offer = try await supplier.offer(itemID: SupplierFeedGenerator.itemID(3))
            #expect(offer.itemID == SupplierFeedGenerator.itemID(3))
            // Two million items are about 1.8 GB; reading them all would take far longer than this.
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(sandbox.control.callCount(SupplierSandbox.Operation.generatedFeed) == 1)
        }
    }

    @Test func aLateResponseHeadTimesOutWithinTheDeadline() async throws {
        try await Self.withSandbox { sandbox, server in
            sandbox.control.inject(SupplierSandbox.Operation.generatedFeed, .latency(milliseconds: 10_000))
            let supplier = Self.supplier(server, path: Self.feedPath, setup: ProviderSetup { $0.deadline = .milliseconds(300) })
            let start = ContinuousClock.now
            try await expectProviderError(.timeout) {
                for try await _ in supplier.items() {}
            }
            // The head arrives after 10 s; ending well before that proves the deadline (loose for loaded machines).
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func aFeedThatStallsMidStreamTimesOutOnTheIdleTimeout() async throws {
        try await Self.withSandbox { _, server in
            var configuration = TransportConfiguration(baseURL: server.baseURL)
            configuration.deadline = .seconds(5)
            let supplier = HeurekaFeedSupplier(
                configuration: configuration,
                feed: HeurekaFeedSettings(
                    supplierID: "stalling",
                    productFeedPath: "/feeds/generated.xml?items=5000&stall_after_chunks=2&stall_ms=10000",
                    idleTimeout: .milliseconds(400)
                )
            )
            var received = 0
            let start = ContinuousClock.now
            let error = try await expectProviderError(.timeout) {
                for try await _ in supplier.items() { received += 1 }
            }
            let elapsed = ContinuousClock.now - start
            #expect(received > 0, "items before the stall are delivered")
            #expect(received < 5000)
            #expect(elapsed < .seconds(3), "the idle timeout (400 ms) ended the stream, not the 10 s stall")
            #expect(error.detail.contains("no feed bytes"))
        }
    }

    @Test func everyAttemptCarriesATraceparent() async throws {
        try await Self.withSandbox { sandbox, server in
            sandbox.control.inject(SupplierSandbox.Operation.generatedFeed, .status(503, body: nil), times: 1)
            _ = try await Self.supplier(server, path: Self.feedPath).offer(itemID: SupplierFeedGenerator.itemID(2))
            let calls = sandbox.control.calls(SupplierSandbox.Operation.generatedFeed)
            #expect(calls.count == 2)
            let parents = calls.compactMap { $0.header("traceparent") }
            #expect(parents.count == 2)
            #expect(Set(parents).count == 2, "a fresh span per attempt")
            #expect(parents.allSatisfy { $0.hasPrefix("00-") && $0.count == 55 })
        }
    }

    @Test func missingFeedIsNotFound() async throws {
        try await Self.withSandbox { _, server in
            let supplier = Self.supplier(server, path: "/feeds/no-such-feed.xml")
            try await expectProviderError(.notFound) {
                for try await _ in supplier.items() {}
            }
        }
    }
}
