/// A value that broke one of Atrium's rules: a stable code plus the field it concerns.
///
/// Safe to show to the caller: it names the field and the rule, never echoes the value.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        public static let required = Code("required")
        public static let tooLong = Code("too_long")
        public static let tooShort = Code("too_short")
        public static let invalidFormat = Code("invalid_format")
        public static let outOfRange = Code("out_of_range")
        public static let invalidCurrency = Code("invalid_currency")
        public static let currencyMismatch = Code("currency_mismatch")
        public static let checksum = Code("checksum")
        public static let invalidTransition = Code("invalid_transition")

        public var description: String { name }
    }

    public let code: Code
    /// The field, e.g. `email`, `items[2].quantity`.
    public let field: String
    public let message: String

    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message) (\(code))" }
}
