import Domain
import Hummingbird

/// `GET /catalog` (search, filters, facets) and `GET /catalog/{sku}`.
///
/// The catalog is the tenant's, not the customer's: it is read once per tenant through the cache (global scope)
/// and searched, filtered, faceted and paged in memory.
struct CatalogController: Sendable {
    let services: AppServices
    let cursors: PortalCursorCodec
    var reads: PortalReads { PortalReads(services: services) }

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.get("catalog", use: search)
        routes.get("catalog/:sku", use: item)
        return routes
    }

    /// Query parameters: `q` (words all found in the name, SKU, description, manufacturer or category; case
    /// insensitive), `kind` (`subscription|sim|physical`), `category` (exact, case insensitive), `in_stock`
    /// (`true|false`), `limit`, `cursor`. Items are in SKU order.
    @Sendable func search(_ request: Request, context: PortalContext) async throws -> CachedResponse<CatalogPageDTO> {
        let user = context.customer.userID
        let list = try PortalListQuery(request, list: "catalog", user: user, codec: cursors)
        let filter = try CatalogFilter(request.uri.queryParameters)
        let result = try await reads.catalog(tenant: context.customer.tenant)
        let items = result.value.sorted { $0.sku.value < $1.sku.value }
        let matching = items.filter { filter.matches($0) }
        let page = list.page(of: matching, user: user, codec: cursors)
        let body = CatalogPageDTO(
            data: page.items.map(CatalogItemDTO.init),
            nextCursor: page.nextCursor,
            total: matching.count,
            facets: CatalogFacetsDTO(
                category: Self.counts(items.filter { filter.matches($0, ignoring: .category) }.compactMap(\.category)),
                kind: Self.counts(items.filter { filter.matches($0, ignoring: .kind) }.map(\.kind.rawValue))
            )
        )
        return CachedResponse(body: body, cache: result.status)
    }

    @Sendable func item(_ request: Request, context: PortalContext) async throws -> CachedResponse<CatalogItemDTO> {
        guard let raw = context.parameters.get("sku"), let sku = try? SKU(raw) else { throw PortalProblems.notFound() }
        let result = try await reads.catalog(tenant: context.customer.tenant)
        guard let item = result.value.first(where: { $0.sku == sku }) else { throw PortalProblems.notFound() }
        return CachedResponse(body: CatalogItemDTO(item), cache: result.status)
    }

    /// Values with their counts, most frequent first, ties by value.
    static func counts(_ values: [String]) -> [FacetCountDTO] {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.map { FacetCountDTO(value: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
    }
}
