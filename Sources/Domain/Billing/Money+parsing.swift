extension Money {
    /// Parses a decimal amount in major units (`"12.50"`, `"-0.05"`, `"1000"`, `"7.5"`) exactly, without floating point.
    ///
    /// Digits beyond the currency's minor unit are accepted only when they are zeros (`"12.500"` for EUR).
    /// - Throws: `ValidationError.invalidFormat` for anything else (thousands separators, exponents, blanks),
    ///   `.outOfRange` past `Int64`.
    public init(decimalString raw: String, currency: Currency, field: String = "amount") throws(ValidationError) {
        var text = Substring(raw.trimmingWhitespace())
        var negative = false
        if text.first == "-" {
            negative = true
            text = text.dropFirst()
        } else if text.first == "+" {
            text = text.dropFirst()
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || (parts.count == 2 && !parts[1].isEmpty) else {
            throw ValidationError(.invalidFormat, field: field, "not a decimal amount")
        }
        let isDigits: (Substring) -> Bool = { $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        let whole = parts[0]
        var fraction = parts.count == 2 ? parts[1] : ""
        guard isDigits(whole), isDigits(fraction), whole.count + fraction.count <= 30 else {
            throw ValidationError(.invalidFormat, field: field, "not a decimal amount")
        }
        let digits = currency.minorUnitDigits
        while fraction.count > digits {
            guard fraction.last == "0" else {
                throw ValidationError(.invalidFormat, field: field, "more decimals than \(currency) has")
            }
            fraction = fraction.dropLast()
        }
        let padded = String(fraction) + String(repeating: "0", count: digits - fraction.count)
        var value: Int64 = 0
        for byte in (whole + padded).utf8 {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - 0x30))
            guard !overflow1, !overflow2 else { throw ValidationError(.outOfRange, field: field, "amount too large") }
            value = sum
        }
        self.init(minorUnits: negative ? -value : value, currency: currency)
    }
}
