import Domain
import Hummingbird

/// The search and filters of `GET /catalog`, parsed and checked (a bad value is a 400 naming the parameter).
struct CatalogFilter: Sendable {
    enum Facet: Sendable { case category, kind }

    static let maximumQueryLength = 200

    /// Lower-cased words of `q`; an item matches when it contains every one.
    let words: [String]
    let kind: ProductKind?
    let category: String?
    let inStock: Bool?

    init(_ parameters: Parameters) throws {
        let query = parameters.get("q") ?? ""
        guard query.count <= Self.maximumQueryLength else {
            throw PortalProblems.validation(field: "q", "at most \(Self.maximumQueryLength) characters")
        }
        words = query.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
        if let raw = parameters.get("kind"), !raw.isEmpty {
            guard let kind = ProductKind(rawValue: raw) else {
                throw PortalProblems.validation(field: "kind", "one of subscription, sim, physical")
            }
            self.kind = kind
        } else {
            kind = nil
        }
        let category = parameters.get("category")?.trimmingWhitespace().lowercased()
        self.category = category?.isEmpty == false ? category : nil
        switch parameters.get("in_stock")?.lowercased() {
        case nil, "": inStock = nil
        case "true": inStock = true
        case "false": inStock = false
        default: throw PortalProblems.validation(field: "in_stock", "true or false")
        }
    }

    /// Whether `item` matches the search and every filter except `ignored` (facet counts leave out their own filter).
    func matches(_ item: CatalogItem, ignoring ignored: Facet? = nil) -> Bool {
        if ignored != .kind, let kind, item.kind != kind { return false }
        if ignored != .category, let category, item.category?.lowercased() != category { return false }
        if let inStock, Self.isInStock(item) != inStock { return false }
        guard !words.isEmpty else { return true }
        let text = [item.sku.value, item.name, item.description, item.manufacturer, item.category]
            .compactMap { $0?.lowercased() }
            .joined(separator: " ")
        return words.allSatisfy { text.contains($0) }
    }

    /// Orderable now: in stock, or not a stocked good at all (a service).
    static func isInStock(_ item: CatalogItem) -> Bool {
        item.stock.availability == .inStock || item.stock.availability == .notApplicable
    }
}
