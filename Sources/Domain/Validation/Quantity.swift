/// How many of an item a customer orders: a whole number from 1 to ``maximum``.
public struct Quantity: Sendable, Hashable, Codable, Comparable {
    public static let maximum = 10_000
    public let value: Int

    public init(_ value: Int, field: String = "quantity") throws(ValidationError) {
        guard value >= 1 else { throw ValidationError(.outOfRange, field: field, "must be at least 1") }
        guard value <= Self.maximum else { throw ValidationError(.outOfRange, field: field, "must be at most \(Self.maximum)") }
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.value < rhs.value }
}

/// A stock-keeping unit: 1–64 characters of letters, digits, `-`, `_`, `.` and `/`.
public struct SKU: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String, field: String = "sku") throws(ValidationError) {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { throw ValidationError(.required, field: field, "a SKU is required") }
        guard text.utf8.count <= 64 else { throw ValidationError(.tooLong, field: field, "at most 64 characters") }
        let allowed = text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x2F
        }
        guard allowed else { throw ValidationError(.invalidFormat, field: field, "letters, digits, - _ . / only") }
        self.value = text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
}
