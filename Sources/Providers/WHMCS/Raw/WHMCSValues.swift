import Domain
import Foundation

// WHMCS's JSON is PHP arrays passed through `json_encode`: the same field may be a string in one response and a
// number in the next ("totalresults": "2" vs 2), money is decimal text, "no date" is `0000-00-00`, and an empty
// list is `""` (or `[]`) instead of the usual `{"invoice": [...]}` wrapper. These types absorb those quirks while
// decoding, so that a value that is really wrong fails with the JSON path `JSONDecoder` gives it.

/// A string-or-integer scalar (`"1"` or `1`): ids, counts, comma-separated id lists.
struct WHMCSText: Decodable, Sendable, Hashable, CustomStringConvertible {
    let value: String

    init(_ value: String) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int64.self) {
            value = String(number)
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "expected a string or an integer")
            )
        }
    }

    var description: String { value }
    /// `nil` for `""` and `"0"`, which WHMCS uses for "no such record" (an order without an invoice).
    var nonZero: String? { value.isEmpty || value == "0" ? nil : value }
}

/// An integer sent as a JSON integer or as its decimal text (`2` or `"2"`).
struct WHMCSInt: Decodable, Sendable, Hashable {
    let value: Int

    init(_ value: Int) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int(text) {
            value = number
        } else {
            throw DecodingError.typeMismatch(
                Int.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "expected an integer or its text")
            )
        }
    }
}

/// A decimal sent as text (`"15.95"`, `"-1.00"`, `"0.000"`), or as a JSON integer; never read as a `Double`.
///
/// The text is checked to be a plain decimal while decoding; turning it into ``Money`` needs the currency, which
/// WHMCS sends elsewhere, so the value remembers its JSON path for the error of that later step.
struct WHMCSDecimal: Decodable, Sendable, Hashable {
    let text: String
    /// Where the value was in the payload, e.g. `$.invoices.invoice[3].total`.
    let path: String

    init(_ text: String, path: String) {
        self.text = text
        self.path = path
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw: String
        if let text = try? container.decode(String.self) {
            raw = text
        } else if let number = try? container.decode(Int64.self) {
            raw = String(number)
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "expected a decimal string")
            )
        }
        guard Self.isPlainDecimal(raw) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not a decimal"))
        }
        self.init(raw, path: JSONPath.render(decoder.codingPath))
    }

    /// The amount in `currency`.
    ///
    /// - Throws: `invalidPayload` at ``path`` when the amount has more decimals than the currency.
    func money(_ currency: Currency) throws(ProviderError) -> Money {
        do {
            return try Money(decimalString: text, currency: currency)
        } catch {
            throw .invalidPayload(.whmcs, path: path, "not an amount in \(currency)")
        }
    }

    var isZero: Bool { text.allSatisfy { $0 == "0" || $0 == "." || $0 == "-" } }

    /// A percentage (`"21.000"`) in basis points (2100); `nil` when finer than a basis point.
    var basisPoints: Int? {
        let negative = text.hasPrefix("-")
        let digits = negative ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count > 2 {
            guard fraction.hasSuffix("0") else { return nil }
            fraction.removeLast()
        }
        fraction += String(repeating: "0", count: 2 - fraction.count)
        guard let hundredths = Int(fraction) else { return nil }
        let value = whole * 100 + hundredths
        return negative ? -value : value
    }

    static func isPlainDecimal(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty else { return false }
        return parts.allSatisfy { part in !part.isEmpty && part.utf8.allSatisfy { (0x30...0x39).contains($0) } }
    }
}

/// A WHMCS date or date-time (`2016-01-01`, `2016-01-08 14:06:34`), read as UTC; `0000-00-00` and `""` mean none.
///
/// WHMCS stores local server time without a zone; the adapter assumes the installation runs on UTC.
struct WHMCSDate: Decodable, Sendable, Hashable {
    let date: Date?

    init(_ date: Date?) { self.date = date }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            date = nil
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = Self.parse(text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not a date"))
        }
        date = parsed.date
    }

    /// `.some(nil)` for the zero date and `""`, `.some(date)` for a valid date, `nil` for anything else.
    static func parse(_ text: String) -> WHMCSDate? {
        if text.isEmpty || text.hasPrefix("0000-00-00") { return WHMCSDate(nil) }
        let halves = text.split(separator: " ", omittingEmptySubsequences: false)
        guard (1...2).contains(halves.count) else { return nil }
        let day = halves[0].split(separator: "-", omittingEmptySubsequences: false).compactMap { Int($0) }
        let time = halves.count == 2 ? halves[1].split(separator: ":", omittingEmptySubsequences: false).compactMap { Int($0) } : [0, 0, 0]
        guard day.count == 3, time.count == 3, halves[0].count == 10 else { return nil }
        guard (1...12).contains(day[1]), (1...31).contains(day[2]), (0...23).contains(time[0]), (0...59).contains(time[1]),
              (0...60).contains(time[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        let components = DateComponents(year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1], second: time[2])
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day[2] else { return nil }
        return WHMCSDate(date)
    }
}

/// A coding key built at run time (wrapper names, flattened keys).
struct WHMCSKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?

    init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// The singular element name inside a WHMCS list wrapper: `invoice` in `{"invoices": {"invoice": [...]}}`.
protocol WHMCSListName: Sendable {
    static var name: String { get }
}

/// A list as WHMCS sends it: `{"<name>": [...]}`, or `""`, `[]` or `null` when empty (a bare array is accepted too).
struct WHMCSList<Name: WHMCSListName, Element: Decodable & Sendable>: Decodable, Sendable {
    let items: [Element]

    init(_ items: [Element]) { self.items = items }

    init(from decoder: any Decoder) throws {
        if let items = try WHMCSArray<Element>.emptyOrArray(decoder) {
            self.items = items
            return
        }
        let container = try decoder.container(keyedBy: WHMCSKey.self)
        items = try container.decode(WHMCSArray<Element>.self, forKey: WHMCSKey(Name.name)).items
    }
}

/// A plain array that WHMCS may send as `""` or `null` when empty.
struct WHMCSArray<Element: Decodable & Sendable>: Decodable, Sendable {
    let items: [Element]

    init(_ items: [Element]) { self.items = items }

    init(from decoder: any Decoder) throws {
        guard let items = try Self.emptyOrArray(decoder) else {
            throw DecodingError.typeMismatch(
                [Element].self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "expected a list")
            )
        }
        self.items = items
    }

    /// The elements when the value is `null`, `""` or an array; `nil` when it is an object (a wrapper).
    static func emptyOrArray(_ decoder: any Decoder) throws -> [Element]? {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { return [] }
        if let text = try? single.decode(String.self) {
            guard text.isEmpty else {
                throw DecodingError.typeMismatch(
                    [Element].self,
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "a non-empty string where a list belongs")
                )
            }
            return []
        }
        guard var unkeyed = try? decoder.unkeyedContainer() else { return nil }
        var items: [Element] = []
        while !unkeyed.isAtEnd { items.append(try unkeyed.decode(Element.self)) }
        return items
    }
}

enum WHMCSInvoiceListName: WHMCSListName { static let name = "invoice" }
enum WHMCSItemListName: WHMCSListName { static let name = "item" }
enum WHMCSProductListName: WHMCSListName { static let name = "product" }
enum WHMCSOrderListName: WHMCSListName { static let name = "order" }
enum WHMCSLineItemListName: WHMCSListName { static let name = "lineitem" }
enum WHMCSPaymentMethodListName: WHMCSListName { static let name = "paymentmethod" }
enum WHMCSTransactionListName: WHMCSListName { static let name = "transaction" }
enum WHMCSCreditListName: WHMCSListName { static let name = "credit" }
