/// What a caller asks of a paged list: where to continue and how many at most.
public struct PageRequest: Sendable, Hashable {
    public static let maximumLimit = 100
    /// Opaque: whatever the previous page's ``Page/nextCursor`` said. `nil` starts at the beginning.
    public var cursor: String?
    public var limit: Int

    /// The limit is clamped to 1...``maximumLimit``.
    public init(cursor: String? = nil, limit: Int = 20) {
        self.cursor = cursor
        self.limit = min(max(limit, 1), Self.maximumLimit)
    }
}

/// One page of a list; `nextCursor` is `nil` on the last page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Page: Equatable where Item: Equatable {}
extension Page: Hashable where Item: Hashable {}
