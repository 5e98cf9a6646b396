package import Domain
package import Foundation

/// What one parsed feed record became: an offer, or an invalid item (with its id when it could be read).
package enum HeurekaFeedEntry: Sendable {
    case offer(SupplierOffer)
    case invalid(ProviderError, itemID: String?)
}

/// What one availability-feed record became: the item's stock, or an invalid item.
package enum HeurekaAvailabilityEntry: Sendable {
    case stock(itemID: String, StockLevel)
    case invalid(ProviderError, itemID: String?)
}

/// A kind of flat XML feed: its root and record element names, and how a record maps.
package struct FeedDocument<Entry: Sendable>: Sendable {
    package let rootNames: Set<String>
    package let recordName: String
    package let map: @Sendable (XMLRecord) -> Entry

    package init(rootNames: Set<String>, recordName: String, map: @escaping @Sendable (XMLRecord) -> Entry) {
        self.rootNames = rootNames
        self.recordName = recordName
        self.map = map
    }

    /// A Heureka.cz / Zboží.cz product feed (`SHOP/SHOPITEM`, any namespace).
    package static func heurekaProducts(supplierID: String, currency: Currency, now: Date) -> FeedDocument<HeurekaFeedEntry> {
        FeedDocument<HeurekaFeedEntry>(rootNames: ["SHOP"], recordName: "SHOPITEM") { record in
            let item = HeurekaShopItem(record: record)
            do throws(ProviderError) {
                return .offer(try SupplierOffer(heureka: item, supplierID: supplierID, currency: currency, now: now))
            } catch {
                return .invalid(error, itemID: item.itemID ?? item.url)
            }
        }
    }

    /// A Heureka availability feed (`item_list/item`).
    package static func heurekaAvailability(now: Date) -> FeedDocument<HeurekaAvailabilityEntry> {
        FeedDocument<HeurekaAvailabilityEntry>(rootNames: ["item_list"], recordName: "item") { record in
            let item = HeurekaAvailabilityItem(record: record)
            guard let id = item.id, !id.isEmpty else {
                return .invalid(.invalidPayload(.supplier, path: "\(item.path)/@id", "missing item id"), itemID: nil)
            }
            do throws(ProviderError) {
                return .stock(itemID: id, try StockLevel(heurekaAvailability: item, now: now))
            } catch {
                return .invalid(error, itemID: id)
            }
        }
    }
}

/// Parses one feed document incrementally: bytes in, mapped entries out.
///
/// Not thread-safe: one task feeds it at a time.
package final class FeedParser<Entry: Sendable> {
    private let document: FeedDocument<Entry>
    private let parser: XMLRecordParser

    package init(_ document: FeedDocument<Entry>, maxFieldBytes: Int = 1 << 20) {
        self.document = document
        self.parser = XMLRecordParser(rootNames: document.rootNames, recordName: document.recordName, maxFieldBytes: maxFieldBytes)
    }

    /// How many records were read so far.
    package var recordCount: Int { parser.recordCount }

    /// Parses the next chunk; see ``XMLRecordParser/feed(_:)-(UnsafeRawBufferPointer)``.
    package func feed(_ bytes: UnsafeRawBufferPointer) -> FeedStep<Entry> { step(parser.feed(bytes)) }

    /// Ends the document; a truncated document fails here.
    package func finish() -> FeedStep<Entry> { step(parser.finish()) }

    private func step(_ step: XMLParseStep) -> FeedStep<Entry> {
        FeedStep(entries: step.records.map(document.map), failure: step.failure.map(Self.providerError))
    }

    /// A document-level failure as the `invalidPayload` the stream ends with.
    static func providerError(_ error: XMLFeedError) -> ProviderError {
        let line = error.line > 0 ? " (line \(error.line))" : ""
        return .invalidPayload(.supplier, path: error.path, "feed is not a readable document: \(error.reason)\(line)")
    }

    /// Parses a whole document held in memory, `chunkSize` bytes at a time (fixtures and tests).
    ///
    /// - Returns: Every entry read, and the failure that ended the document, if any.
    package static func parse(_ data: Data, as document: FeedDocument<Entry>, chunkSize: Int = 4096) -> FeedStep<Entry> {
        let parser = FeedParser(document)
        var entries: [Entry] = []
        var offset = 0
        while offset < data.count {
            let end = min(offset + max(1, chunkSize), data.count)
            let step = data[offset..<end].withUnsafeBytes { parser.feed($0) }
            entries += step.entries
            if let failure = step.failure { return FeedStep(entries: entries, failure: failure) }
            offset = end
        }
        let last = parser.finish()
        return FeedStep(entries: entries + last.entries, failure: last.failure)
    }
}

/// The entries one parser step produced, then the failure that ended the document (the stream ends with it).
package struct FeedStep<Entry: Sendable>: Sendable {
    package let entries: [Entry]
    package let failure: ProviderError?
}
