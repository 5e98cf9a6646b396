/// An amount of money in integer minor units of one currency. No floating point anywhere money flows.
public struct Money: Sendable, Hashable, Codable {
    /// Minor units (cents for EUR/USD, yen for JPY, fils for KWD).
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Adds two amounts of the same currency.
    ///
    /// - Throws: `MoneyError.currencyMismatch` for different currencies, `.overflow` past `Int64`.
    public func adding(_ other: Money) throws(MoneyError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        if overflow { throw .overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    /// Multiplies by a whole quantity (an order line: unit price × quantity).
    public func multiplied(by quantity: Int) throws(MoneyError) -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: Int64(quantity))
        if overflow { throw .overflow }
        return Money(minorUnits: product, currency: currency)
    }

    /// The amount as a decimal string in major units, e.g. `12.50` for 1250 EUR cents, `-0.05`, `1000` for JPY.
    public var decimalString: String {
        let digits = currency.minorUnitDigits
        guard digits > 0 else { return String(minorUnits) }
        let magnitude = minorUnits.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return (minorUnits < 0 ? "-" : "") + "\(magnitude / divisor).\(padded)"
    }
}

public enum MoneyError: Error, Sendable, Hashable {
    case currencyMismatch(Currency, Currency)
    case overflow
}

/// An ISO 4217 alphabetic currency code, validated at construction.
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String

    /// - Throws: `CurrencyError.invalidCode` unless `code` is three ASCII letters (case-insensitive).
    public init(_ code: String) throws(CurrencyError) {
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            throw .invalidCode
        }
        self.code = upper
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    /// Digits after the decimal point in this currency's minor unit (ISO 4217 exponent). Two unless listed.
    public var minorUnitDigits: Int {
        switch code {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            3
        default:
            2
        }
    }

    public var description: String { code }
}

public enum CurrencyError: Error, Sendable, Hashable {
    case invalidCode
}
