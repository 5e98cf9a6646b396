public import HTTPTypes
public import Hummingbird

extension HTTPField.Name {
    /// `X-Cache: HIT|MISS|STALE` on every cached read (PRODUCT.md).
    public static let xCache: HTTPField.Name = {
        guard let name = HTTPField.Name("X-Cache") else { preconditionFailure("X-Cache is a valid field name") }
        return name
    }()
}

/// The cache tags portal entries carry, so webhooks and the admin API can invalidate by subject.
///
/// Every entry is in its customer's scope (the catalog in its tenant's global scope) and carries the scope's own
/// `*` tag besides these.
public enum PortalCacheTag {
    public static let invoices = "invoices"
    public static let subscriptions = "subscriptions"
    public static let paymentMethods = "payment-methods"
    public static let billing = "billing"
    public static let sims = "sims"
    public static let simUsage = "sim-usage"
    public static let cases = "cases"
    public static let crm = "crm"
    public static let profile = "profile"
    public static let catalog = "catalog"
    /// Entries the dashboard reads.
    public static let dashboard = "dashboard"

    /// The tags named `names` in `scope`.
    public static func tags(_ names: [String], in scope: CacheScope) -> [CacheTag] {
        names.map { CacheTag(scope: scope, name: $0) }
    }
}

extension CacheStatus {
    /// The `X-Cache` of a response built from several reads: STALE if any was stale, else MISS if any missed.
    static func combined(_ statuses: [CacheStatus]) -> CacheStatus? {
        guard !statuses.isEmpty else { return nil }
        if statuses.contains(.stale) { return .stale }
        if statuses.contains(.miss) { return .miss }
        return .hit
    }
}

/// A JSON response with its `X-Cache` header (none when the body was not read through the cache).
struct CachedResponse<Body: ResponseEncodable & Sendable>: ResponseGenerator {
    let body: Body
    let cache: CacheStatus?
    var status: HTTPResponse.Status = .ok

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = status
        if let cache { response.headers[.xCache] = cache.rawValue }
        return response
    }
}
