/// One stored value with the times that decide how it may be served. Times are wall-clock milliseconds
/// since 1970, since entries are shared between processes.
public struct CacheEntry: Sendable, Hashable {
    public var payload: [UInt8]
    public var storedAt: Int64
    /// Served as a HIT until then.
    public var freshUntil: Int64
    /// Served as STALE while one refresh runs, until then (RFC 5861 stale-while-revalidate).
    public var staleWhileRevalidateUntil: Int64
    /// Served as STALE instead of an error when the upstream fails, until then (RFC 5861 stale-if-error).
    public var staleIfErrorUntil: Int64

    public init(payload: [UInt8], storedAt: Int64, freshUntil: Int64, staleWhileRevalidateUntil: Int64, staleIfErrorUntil: Int64) {
        self.payload = payload
        self.storedAt = storedAt
        self.freshUntil = freshUntil
        self.staleWhileRevalidateUntil = staleWhileRevalidateUntil
        self.staleIfErrorUntil = staleIfErrorUntil
    }

    /// After this the entry is useless and the store may drop it.
    public var expiresAt: Int64 { max(freshUntil, staleWhileRevalidateUntil, staleIfErrorUntil) }
}

/// Where cache entries live: Redis shared by every BFF process, or memory for the embedded default.
///
/// Stores never decide freshness (the ``Cache`` does, from the entry's times); they keep entries until
/// `expiresAt` at the latest, index them by tag, and drop whole tags on invalidation.
public protocol CacheStore: Sendable {
    func get(_ key: CacheKey) async throws -> CacheEntry?
    /// Stores `entry`, replacing any previous one, and adds the key to each tag's member set.
    func set(_ key: CacheKey, _ entry: CacheEntry, tags: [CacheTag]) async throws
    func delete(_ key: CacheKey) async throws
    /// Removes every entry carrying `tag`, for every process sharing the store.
    ///
    /// - Returns: how many entries were removed.
    @discardableResult
    func invalidate(_ tag: CacheTag) async throws -> Int
}

/// The byte format entries are stored in: a versioned header, then the payload.
///
/// `AC` magic, one format-version byte, four big-endian Int64 times, payload. An unknown version or a short
/// value decodes to nil (a miss), so a deploy that changes the format never misreads old bytes.
enum CacheEnvelope {
    static let magic: [UInt8] = [0x41, 0x43]
    static let version: UInt8 = UInt8(CacheKey.formatVersion)
    static let headerSize = 2 + 1 + 4 * 8

    static func encode(_ entry: CacheEntry) -> [UInt8] {
        var bytes = magic + [version]
        bytes.reserveCapacity(headerSize + entry.payload.count)
        for time in [entry.storedAt, entry.freshUntil, entry.staleWhileRevalidateUntil, entry.staleIfErrorUntil] {
            withUnsafeBytes(of: time.bigEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: entry.payload)
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> CacheEntry? {
        guard bytes.count >= headerSize, bytes[0] == magic[0], bytes[1] == magic[1], bytes[2] == version else { return nil }
        func time(_ index: Int) -> Int64 {
            var value: Int64 = 0
            for byte in bytes[(3 + index * 8)..<(3 + index * 8 + 8)] { value = value << 8 | Int64(byte) }
            return value
        }
        return CacheEntry(
            payload: Array(bytes[headerSize...]),
            storedAt: time(0),
            freshUntil: time(1),
            staleWhileRevalidateUntil: time(2),
            staleIfErrorUntil: time(3)
        )
    }
}
