import Foundation
import Hummingbird

/// A list request's `limit` and `cursor`, parsed and checked.
///
/// `limit` defaults to 20 and is clamped to 1…100 (`limit=0` gives one item, `limit=1000` a hundred); a value
/// that is not an integer is a 400. `cursor` must be one this list issued to this user (``PortalCursorCodec``).
struct PortalListQuery: Sendable {
    static let defaultLimit = 20
    static let maximumLimit = 100

    let limit: Int
    let cursor: PortalCursor?
    /// The list's name, which cursors are bound to.
    let list: String

    init(_ request: Request, list: String, user: UUID, codec: PortalCursorCodec) throws {
        self.list = list
        if let raw = request.uri.queryParameters.get("limit") {
            guard let value = Int(raw.trimmingCharacters(in: .whitespaces)) else {
                throw PortalProblems.validation(field: "limit", "an integer from 1 to \(Self.maximumLimit)")
            }
            limit = min(max(value, 1), Self.maximumLimit)
        } else {
            limit = Self.defaultLimit
        }
        if let raw = request.uri.queryParameters.get("cursor"), !raw.isEmpty {
            cursor = try codec.decode(raw, list: list, user: user)
        } else {
            cursor = nil
        }
    }

    /// The first index of an in-memory page.
    var offset: Int { cursor?.offset ?? 0 }

    /// One page of `items` (the whole list, in a stable order) with the cursor of the next, if any.
    func page<Item>(of items: [Item], user: UUID, codec: PortalCursorCodec) -> (items: [Item], nextCursor: String?) {
        let start = min(offset, items.count)
        let end = min(start + limit, items.count)
        let next = end < items.count ? codec.encode(PortalCursor(offset: end), list: list, user: user) : nil
        return (Array(items[start..<end]), next)
    }

    /// One page of an upstream-paged list, from the upstream batch this query's cursor points at.
    ///
    /// Upstreams treat the page size as a hint (Salesforce answers at least 200 records a batch), so the cursor
    /// holds the upstream's cursor of the batch and an offset into it: the client gets `limit` items, then the
    /// rest of the batch, then the next batch.
    func page<Item>(ofBatch batch: CachedPage<Item>, user: UUID, codec: PortalCursorCodec) -> (items: [Item], nextCursor: String?) {
        let start = min(offset, batch.items.count)
        let end = min(start + limit, batch.items.count)
        let next: PortalCursor?
        if end < batch.items.count {
            next = PortalCursor(upstream: cursor?.upstream, offset: end)
        } else if let more = batch.nextCursor {
            next = PortalCursor(upstream: more, offset: nil)
        } else {
            next = nil
        }
        return (Array(batch.items[start..<end]), next.map { codec.encode($0, list: list, user: user) })
    }
}
