public import AsyncHTTPClient
public import Domain
public import Logging

/// ``SIMProvider`` for the Freebit-like MVNO platform Atrium defines in `fixtures/upstream/sim/README.md`.
///
/// Each method is one platform call: `master/getAcnt`, `master/getLine`, `mvno/getTrafficInfo`,
/// `mvno/changePlan`, `mvno/getOpStatus`, and `sim/allocate|configure|activate|verify|release|deactivate`.
/// Mutations return the platform's operation at once (usually `pending`); poll ``operation(id:)`` until it is
/// finished. The idempotency key travels as the platform's `requestId`, which is why every call may be retried.
///
/// Line ids are the platform's phone numbers in national form (`09012345678`); an E.164 id (`819012345678`) is
/// accepted too. ``lines(accountID:)`` and ``line(id:)`` leave ``SIMLine/usage`` empty: usage is one rate-limited
/// call per line (``usage(lineID:)``).
public final class SIMPlatformProvider: SIMProvider {
    public let upstream: UpstreamID = .sim
    /// The transport (its circuit state is what the admin API shows).
    public let transport: HTTPTransport
    let client: SIMPlatformClient

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - configuration: Base URL (the part before `/emptool/api/`), deadline, retries and breaker.
    ///   - credentials: The OEM id and key `authOem` takes.
    ///   - httpClient: The process's client.
    ///   - logger: Where the transport logs.
    ///   - observer: Receives call outcomes and circuit changes, for metrics.
    public init(
        configuration: TransportConfiguration,
        credentials: SIMCredentials,
        httpClient: HTTPClient = HTTPTransport.sharedHTTPClient,
        logger: Logger = Logger(label: "atrium.provider.sim"),
        observer: (any TransportObserver)? = nil
    ) {
        self.transport = HTTPTransport(
            provider: .sim, configuration: configuration, httpClient: httpClient, logger: logger, observer: observer
        )
        self.client = SIMPlatformClient(transport: transport, credentials: credentials)
    }

    public func lines(accountID: String) async throws -> [SIMLine] {
        // fixtures/upstream/sim/README.md §3 master/getAcnt
        try SIMPlatformPayload.lines(try await client.call("master/getAcnt", ["account": accountID]))
    }

    public func line(id: String) async throws -> SIMLine {
        // fixtures/upstream/sim/README.md §3 master/getLine
        try SIMPlatformPayload.line(try await client.call("master/getLine", ["msisdn": SIMPlatformNumber.platform(id)]))
    }

    public func usage(lineID: String) async throws -> DataUsage {
        // fixtures/upstream/sim/README.md §3 mvno/getTrafficInfo (one line per call, rate limited)
        try SIMPlatformPayload.usage(try await client.call("mvno/getTrafficInfo", ["msisdn": SIMPlatformNumber.platform(lineID)]))
    }

    public func changePlan(lineID: String, plan: String, idempotencyKey: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 mvno/changePlan
        try await submit("mvno/changePlan", ["msisdn": SIMPlatformNumber.platform(lineID), "planCode": plan], idempotencyKey)
    }

    public func operation(id: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §3 mvno/getOpStatus
        try SIMPlatformPayload.operation(try await client.call("mvno/getOpStatus", ["operationId": id]))
    }

    public func allocate(accountID: String, plan: String, idempotencyKey: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 sim/allocate
        try await submit("sim/allocate", ["account": accountID, "planCode": plan], idempotencyKey)
    }

    public func configure(lineID: String, idempotencyKey: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 sim/configure
        try await submit("sim/configure", ["msisdn": SIMPlatformNumber.platform(lineID)], idempotencyKey)
    }

    public func activate(lineID: String, idempotencyKey: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 sim/activate
        try await submit("sim/activate", ["msisdn": SIMPlatformNumber.platform(lineID)], idempotencyKey)
    }

    public func verify(lineID: String, idempotencyKey: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 sim/verify
        try await submit("sim/verify", ["msisdn": SIMPlatformNumber.platform(lineID)], idempotencyKey)
    }

    public func release(lineID: String, idempotencyKey: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 sim/release
        try await submit("sim/release", ["msisdn": SIMPlatformNumber.platform(lineID)], idempotencyKey)
    }

    public func deactivate(lineID: String, idempotencyKey: String) async throws -> SIMOperation {
        // fixtures/upstream/sim/README.md §4 sim/deactivate
        try await submit("sim/deactivate", ["msisdn": SIMPlatformNumber.platform(lineID)], idempotencyKey)
    }

    /// Submits a mutation with its `requestId`; the platform answers with the (possibly replayed) operation.
    private func submit(_ operation: String, _ fields: [String: String], _ idempotencyKey: String) async throws -> SIMOperation {
        guard !idempotencyKey.isEmpty else {
            throw ProviderError(.rejected, provider: .sim, detail: "\(operation) needs an idempotency key (requestId)")
        }
        var fields = fields
        fields["requestId"] = idempotencyKey
        return try SIMPlatformPayload.operation(try await client.call(operation, fields))
    }
}
