public import Domain
public import Providers
public import Sandbox

/// A supplier adapter wired to its running sandbox, plus the seed data the checks rely on.
public struct SupplierHarness: Sendable {
    public let control: SandboxControl
    /// Builds the adapter against the sandbox with `setup`.
    public let make: @Sendable (ProviderSetup) -> any SupplierProvider
    /// How many items the catalog streams (all valid).
    public let expectedItemCount: Int
    /// The least number of upstream calls one full stream takes (more than one for a paged API; a feed is one call
    /// streamed in many chunks).
    public let minimumItemCalls: Int
    /// An item of the catalog. For a feed, pick one near the end, so a truncated feed cannot contain it.
    public let knownItemID: String
    public let unknownItemID: String
    /// Whether the upstream checks credentials. A public feed does not: leave the credentials check out with
    /// ``SupplierConformance/checks(credentials:ordering:)``.
    public let requiresCredentials: Bool
    /// Makes a catalog with malformed items and an adapter reading it.
    public let malformedCatalog: @Sendable () async throws -> MalformedCatalog
    /// The ordering part, for ``SupplierOrdering`` adapters.
    public let ordering: SupplierOrderingHarness?
    /// Sandbox operation names: the call(s) behind `items()` and the one behind `offer(itemID:)`.
    public let itemsOperation: String
    public let offerOperation: String

    public init(
        control: SandboxControl, make: @escaping @Sendable (ProviderSetup) -> any SupplierProvider, expectedItemCount: Int,
        minimumItemCalls: Int, knownItemID: String, unknownItemID: String, requiresCredentials: Bool,
        malformedCatalog: @escaping @Sendable () async throws -> MalformedCatalog, ordering: SupplierOrderingHarness?,
        itemsOperation: String, offerOperation: String
    ) {
        self.control = control
        self.make = make
        self.expectedItemCount = expectedItemCount
        self.minimumItemCalls = minimumItemCalls
        self.knownItemID = knownItemID
        self.unknownItemID = unknownItemID
        self.requiresCredentials = requiresCredentials
        self.malformedCatalog = malformedCatalog
        self.ordering = ordering
        self.itemsOperation = itemsOperation
        self.offerOperation = offerOperation
    }

    public var provider: any SupplierProvider { make(.standard) }
}

/// A catalog with malformed items: an adapter reading it and what it must report.
public struct MalformedCatalog: Sendable {
    public let provider: any SupplierProvider
    public let expectedOffers: Int
    public let expectedInvalid: Int

    public init(provider: any SupplierProvider, expectedOffers: Int, expectedInvalid: Int) {
        self.provider = provider
        self.expectedOffers = expectedOffers
        self.expectedInvalid = expectedInvalid
    }
}

/// The ordering part of a ``SupplierHarness``.
public struct SupplierOrderingHarness: Sendable {
    public let make: @Sendable (ProviderSetup) -> any SupplierOrdering
    /// Lines the sandbox accepts.
    public let lines: [PurchaseOrderRequest.Line]
    /// The sandbox operation behind `placeOrder`.
    public let placeOperation: String

    public init(make: @escaping @Sendable (ProviderSetup) -> any SupplierOrdering, lines: [PurchaseOrderRequest.Line], placeOperation: String) {
        self.make = make
        self.lines = lines
        self.placeOperation = placeOperation
    }
}

public typealias SupplierCheck = ProviderCheck<SupplierHarness>

/// Every ``SupplierProvider`` adapter passes these against its sandbox.
public enum SupplierConformance {
    /// Every check, for an adapter that checks credentials and takes orders.
    public static var all: [SupplierCheck] { checks(credentials: true, ordering: true) }

    /// The checks for an adapter: `credentials: false` leaves out "bad credentials are unauthorized" (a public feed
    /// has none), `ordering: false` the purchase-order checks (an adapter that is not ``SupplierOrdering``).
    public static func checks(credentials: Bool, ordering: Bool) -> [SupplierCheck] {
        catalog + (credentials ? [badCredentials] : []) + (ordering ? orderingChecks : []) + TransportChecks.all(readProbe)
    }

    static func readProbe(_ harness: SupplierHarness) -> ReadProbe {
        ReadProbe(control: harness.control, operation: harness.offerOperation) { setup in
            let provider = harness.make(setup)
            return { _ = try await provider.offer(itemID: harness.knownItemID) }
        }
    }

    /// Drains a stream: offers in order, and the invalid entries' errors with their positions.
    static func drain(_ provider: any SupplierProvider) async throws -> (offers: [SupplierOffer], invalid: [(Int, ProviderError)]) {
        var offers: [SupplierOffer] = []
        var invalid: [(Int, ProviderError)] = []
        var position = 0
        for try await entry in provider.items() {
            switch entry {
            case .offer(let offer): offers.append(offer)
            case .invalid(let error): invalid.append((position, error))
            }
            position += 1
        }
        return (offers, invalid)
    }

    static let catalog: [SupplierCheck] = [
        SupplierCheck("items stream the whole catalog once, across pages or chunks") { harness in
            harness.control.resetCalls()
            let (offers, invalid) = try await drain(harness.provider)
            try require(invalid.isEmpty, "\(invalid.count) invalid entries in a clean catalog, first: \(invalid.first.map { "\($0.1)" } ?? "")")
            try require(offers.count == harness.expectedItemCount, "\(offers.count) items, expected \(harness.expectedItemCount)")
            try require(Set(offers.map(\.itemID)).count == offers.count, "an item id appeared twice")
            try require(offers.allSatisfy { $0.supplierID == harness.provider.supplierID }, "an offer of another supplier")
            let calls = harness.control.callCount(harness.itemsOperation)
            try require(calls >= harness.minimumItemCalls, "\(calls) calls of \(harness.itemsOperation), expected ≥ \(harness.minimumItemCalls)")
        },
        SupplierCheck("a malformed item is reported as invalid and the stream goes on") { harness in
            let catalog = try await harness.malformedCatalog()
            let (offers, invalid) = try await drain(catalog.provider)
            try require(invalid.count == catalog.expectedInvalid, "\(invalid.count) invalid entries, expected \(catalog.expectedInvalid)")
            try require(offers.count == catalog.expectedOffers, "\(offers.count) offers, expected \(catalog.expectedOffers)")
            for (_, error) in invalid {
                try require(error.code == .invalidPayload, "an invalid entry is \(error.code)")
                try require(error.path?.isEmpty == false, "an invalid entry has no path: \(error)")
            }
            let firstInvalid = invalid.first?.0 ?? Int.max
            try require(firstInvalid < offers.count + invalid.count - 1, "nothing was streamed after the first invalid item")
        },
        SupplierCheck("offer by id equals the streamed item") { harness in
            var streamed: SupplierOffer?
            for try await entry in harness.provider.items() {
                if case .offer(let offer) = entry, offer.itemID == harness.knownItemID {
                    streamed = offer
                    break
                }
            }
            guard let streamed else { throw ConformanceFailure("\(harness.knownItemID) not in the stream") }
            let fetched = try await harness.provider.offer(itemID: harness.knownItemID)
            try require(fetched == streamed, "offer(itemID:) differs from the streamed item")
        },
        SupplierCheck("unknown item is notFound") { harness in
            try await expectProviderError(.notFound) { try await harness.provider.offer(itemID: harness.unknownItemID) }
        },
    ]

    static let badCredentials = SupplierCheck("bad credentials are unauthorized") { harness in
        try require(harness.requiresCredentials, "the harness says this upstream has no credentials: use checks(credentials: false, …)")
        let provider = harness.make(ProviderSetup(validCredentials: false))
        try await expectProviderError(.unauthorized) { try await provider.offer(itemID: harness.knownItemID) }
        try await expectProviderError(.unauthorized) {
            for try await _ in provider.items() {}
        }
    }

    static func orderingHarness(_ harness: SupplierHarness) throws -> SupplierOrderingHarness {
        guard let ordering = harness.ordering else {
            throw ConformanceFailure("no ordering harness: use checks(credentials:ordering: false) for a catalog-only adapter")
        }
        return ordering
    }

    static func reference() -> String { "conformance-\(UInt64.random(in: 1...UInt64.max))" }

    static let orderingChecks: [SupplierCheck] = [
        SupplierCheck("placeOrder replays by reference") { harness in
            let ordering = try orderingHarness(harness)
            let supplier = ordering.make(.standard)
            let reference = reference()
            let request = try PurchaseOrderRequest(lines: ordering.lines, reference: reference)
            let first = try await supplier.placeOrder(request)
            let replay = try await supplier.placeOrder(request)
            try require(first.id == replay.id, "a replay placed another order: \(first.id) vs \(replay.id)")
            try require(first.reference == reference, "the order's reference is \(first.reference)")
            let other = try await supplier.placeOrder(PurchaseOrderRequest(lines: ordering.lines, reference: reference + "-other"))
            try require(other.id != first.id, "another reference returned the same order")
        },
        SupplierCheck("placeOrder survives a 503 without ordering twice") { harness in
            let ordering = try orderingHarness(harness)
            let supplier = ordering.make(.standard)
            let request = try PurchaseOrderRequest(lines: ordering.lines, reference: reference())
            harness.control.inject(ordering.placeOperation, .status(503, body: nil), times: 1)
            let first = try await supplier.placeOrder(request)
            let replay = try await supplier.placeOrder(request)
            try require(first.id == replay.id, "the retried order was placed twice")
        },
        SupplierCheck("purchase order reads back and cancels") { harness in
            let ordering = try orderingHarness(harness)
            let supplier = ordering.make(.standard)
            let reference = reference()
            let placed = try await supplier.placeOrder(PurchaseOrderRequest(lines: ordering.lines, reference: reference))
            let read = try await supplier.purchaseOrder(id: placed.id)
            try require(read.id == placed.id && read.reference == reference, "read back \(read.id) / \(read.reference)")
            try require(read.status == placed.status, "status \(read.status) after placing \(placed.status)")
            let cancelled = try await supplier.cancelPurchaseOrder(id: placed.id, reference: reference)
            try require(cancelled.status == .cancelled, "cancelled order is \(cancelled.status)")
            let again = try await supplier.cancelPurchaseOrder(id: placed.id, reference: reference)
            try require(again.status == .cancelled, "a repeated cancel gave \(again.status)")
            try require(try await supplier.purchaseOrder(id: placed.id).status == .cancelled, "the cancel did not stick")
            try await expectProviderError(.notFound) { try await supplier.purchaseOrder(id: "po_unknown_\(reference)") }
        },
    ]
}
