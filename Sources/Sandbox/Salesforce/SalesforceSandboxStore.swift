import Foundation

/// The Salesforce sandbox's records and sessions: what ``SalesforceSandbox`` keeps behind its lock.
struct SalesforceSandboxStore: Sendable {
    /// A query's remaining rows, served batch by batch through `nextRecordsUrl`.
    struct Cursor: Sendable {
        let object: String
        let rows: [JSONValue]
        let batchSize: Int
    }

    let objects: [String: SalesforceSandboxObject]
    private(set) var records: [String: [String: JSONValue]] = [:]
    private(set) var objectOf: [String: String] = [:]
    private(set) var ids: [String: [String]] = [:]
    private var counters: [String: Int] = [:]
    var tokens: Set<String> = []
    private(set) var cursors: [String: Cursor] = [:]
    private var cursorOrder: [String] = []
    var replayID: Int64 = 0
    /// The last case and order numbers handed out (auto-number fields).
    var caseNumber = 1025
    var orderNumber = 99

    init(objects: [String: SalesforceSandboxObject]) { self.objects = objects }

    // MARK: Records

    func record(_ id: String) -> [String: JSONValue]? { records[id] }

    func object(of id: String) -> String? { objectOf[id] }

    func records(of object: String) -> [[String: JSONValue]] { (ids[object] ?? []).compactMap { records[$0] } }

    /// The record of `object` whose `field` equals `value`.
    func find(_ object: String, field: String, value: String) -> [String: JSONValue]? {
        records(of: object).first { $0[field]?.string == value }
    }

    /// Stores `fields` as a record of `object` without any check (seeding); an `Id` is made when absent.
    @discardableResult
    mutating func insert(_ object: String, _ fields: [String: JSONValue]) -> String {
        var fields = fields
        let id = fields["Id"]?.string ?? newID(object)
        fields["Id"] = .string(id)
        if records[id] == nil { ids[object, default: []].append(id) }
        records[id] = fields
        objectOf[id] = object
        return id
    }

    mutating func set(_ id: String, _ field: String, _ value: JSONValue) {
        records[id]?[field] = value
    }

    /// A new 18-character id of `object`: key prefix, `DM`, a counter, and the case-safe checksum suffix.
    mutating func newID(_ object: String) -> String { newID(prefix: objects[object]?.keyPrefix ?? "000") }

    mutating func newID(prefix: String) -> String {
        let next = counters[prefix, default: 0] + 1
        counters[prefix] = next
        let digits = String(next)
        let base = prefix + "DM" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
        return base + Self.checksum(base)
    }

    /// Salesforce's 3-character suffix that makes a 15-character id case-insensitive.
    static func checksum(_ id: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")
        let characters = Array(id.utf8.prefix(15))
        var suffix = ""
        for chunk in 0..<3 {
            var bits = 0
            for offset in 0..<5 where chunk * 5 + offset < characters.count {
                if (0x41...0x5A).contains(characters[chunk * 5 + offset]) { bits |= 1 << offset }
            }
            suffix.append(alphabet[bits])
        }
        return suffix
    }

    // MARK: Cursors

    /// Keeps the rows after the first batch and returns the locator (`01gDM…`), dropping the oldest past 500.
    mutating func addCursor(_ cursor: Cursor) -> String {
        let locator = newID(prefix: "01g")
        cursors[locator] = cursor
        cursorOrder.append(locator)
        if cursorOrder.count > 500 { cursors[cursorOrder.removeFirst()] = nil }
        return locator
    }

    // MARK: Money

    /// A currency field in cents (Salesforce sends a JSON number; the sandbox adds amounts in integers).
    static func cents(_ value: JSONValue) -> Int64? {
        switch value {
        case .int(let whole): return whole * 100
        case .double(let amount) where amount.isFinite && abs(amount) < 1e15: return Int64((amount * 100).rounded())
        default: return nil
        }
    }

    /// Cents as the JSON number Salesforce sends (`4980.0`, `19.9`).
    static func amount(_ cents: Int64) -> JSONValue { .double(Double(cents) / 100) }
}
