/// A Stripe list object: `{"object": "list", "url": …, "has_more": …, "data": […]}`.
///
/// Stripe pages with `limit` and `starting_after`/`ending_before` (the id of an object of the list); there is no
/// total count since API version 2025-03-31.basil. See https://docs.stripe.com/api/pagination.
package struct StripeList<Item: Codable & Sendable>: Codable, Sendable {
    package var object: String
    package var url: String?
    package var hasMore: Bool
    package var data: [Item]

    enum CodingKeys: String, CodingKey {
        case object, url, data
        case hasMore = "has_more"
    }
}

/// A field Stripe sends as an object's id, or as the object itself when the request expanded it
/// (https://docs.stripe.com/api/expanding_objects). Only the id is read.
package struct StripeID: Codable, Sendable, Hashable {
    package var id: String

    package init(_ id: String) { self.id = id }

    private enum CodingKeys: String, CodingKey { case id }

    package init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let id = try? single.decode(String.self) {
            self.id = id
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id)
    }
}

/// An expandable field whose expanded object the mapping uses when present (a tax rate's name, an invoice's status).
package enum StripeExpandable<Object: Codable & Sendable>: Codable, Sendable {
    case id(String)
    case object(Object)

    package init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let id = try? single.decode(String.self) {
            self = .id(id)
        } else {
            self = .object(try Object(from: decoder))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        switch self {
        case .id(let id):
            var container = encoder.singleValueContainer()
            try container.encode(id)
        case .object(let object):
            try object.encode(to: encoder)
        }
    }

    /// The expanded object, `nil` when only the id was sent.
    package var expanded: Object? {
        if case .object(let object) = self { return object }
        return nil
    }
}

/// A Stripe event (https://docs.stripe.com/api/events/object): what a webhook delivers.
package struct StripeEvent<Object: Codable & Sendable>: Codable, Sendable {
    package struct EventData: Codable, Sendable {
        package var object: Object
    }

    package struct Request: Codable, Sendable {
        package var id: String?
        package var idempotencyKey: String?

        enum CodingKeys: String, CodingKey {
            case id
            case idempotencyKey = "idempotency_key"
        }
    }

    package var id: String
    package var object: String
    package var type: String
    package var created: Int64
    /// `null` for events of accounts without a pinned version (and in Stripe's own fixture).
    package var apiVersion: String?
    package var livemode: Bool
    package var data: EventData
    package var request: Request?

    enum CodingKeys: String, CodingKey {
        case id, object, type, created, livemode, data, request
        case apiVersion = "api_version"
    }
}

/// A JSON integer, decoded so that a fraction (`20.5` where minor units are expected) is a type mismatch *at its
/// field*.
///
/// Foundation's `JSONDecoder` on Linux reports a number that does not fit the integer type as "not valid JSON" at
/// the root, which would lose the path ``ProviderError/decode(_:from:provider:decoder:)`` names. The raw types route
/// their integer fields through this type with a file-private `KeyedDecodingContainer` overload (see
/// ``StripeWholeNumberDecoding``), so a broken amount is reported as `$.lines.data[0].amount`, not `$`.
package struct StripeWholeNumber: Decodable, Sendable {
    package let value: Int64

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            value = try container.decode(Int64.self)
        } catch {
            // Foundation throws an internal error here that surfaces as "not valid JSON"; a number that reads as a
            // Double is a fraction or out of range: name the field.
            guard (try? container.decode(Double.self)) != nil else { throw error }
            throw DecodingError.typeMismatch(
                Int64.self, .init(codingPath: decoder.codingPath, debugDescription: "not a whole number in range"))
        }
    }

    /// The value as an `Int`, failing at `codingPath` when it does not fit.
    func int(at codingPath: [any CodingKey]) throws -> Int {
        guard let value = Int(exactly: value) else {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: codingPath, debugDescription: "out of range"))
        }
        return value
    }
}

/// The overloads each raw file declares `fileprivate` (so they apply to the `Codable` conformances synthesised in
/// that file only): integers decode through ``StripeWholeNumber``.
enum StripeWholeNumberDecoding {
    static func decode<Key>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Int64 {
        try container.decode(StripeWholeNumber.self, forKey: key).value
    }

    static func decodeIfPresent<Key>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Int64? {
        try container.decodeIfPresent(StripeWholeNumber.self, forKey: key)?.value
    }

    static func decodeInt<Key>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Int {
        try container.decode(StripeWholeNumber.self, forKey: key).int(at: container.codingPath + [key])
    }

    static func decodeIntIfPresent<Key>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Int? {
        try container.decodeIfPresent(StripeWholeNumber.self, forKey: key)?.int(at: container.codingPath + [key])
    }
}

// Integers of this file's types decode through StripeWholeNumber (see StripeWholeNumberDecoding).
extension KeyedDecodingContainer {
    fileprivate func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try StripeWholeNumberDecoding.decode(self, key) }
    fileprivate func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try StripeWholeNumberDecoding.decodeIfPresent(self, key)
    }
    fileprivate func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try StripeWholeNumberDecoding.decodeInt(self, key) }
    fileprivate func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try StripeWholeNumberDecoding.decodeIntIfPresent(self, key)
    }
}
