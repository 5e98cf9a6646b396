import Domain
import Foundation

/// Salesforce's wire formats: `2024-07-02T01:02:03.000+0000` date-times, `2024-07-01` dates, and decimal
/// numbers turned into ``Money`` through their exact digits.
enum SalesforceFormats {
    /// A date-time field; anything else is `.invalidPayload` at `path`.
    static func dateTime(_ text: String, path: String) throws(ProviderError) -> Date {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        throw .invalidPayload(.salesforce, path: path, "not a date-time")
    }

    /// A date field (`yyyy-MM-dd`), as midnight UTC.
    static func date(_ text: String, path: String) throws(ProviderError) -> Date {
        guard text.utf8.count == 10, let date = try? Date.ISO8601FormatStyle().year().month().day().parse(text) else {
            throw .invalidPayload(.salesforce, path: path, "not a date")
        }
        return date
    }

    /// `date` as a Salesforce date field (`yyyy-MM-dd`, UTC).
    static func dateString(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle().year().month().day())
    }

    /// A currency field of the record, or the org's currency when the record has none.
    static func currency(_ code: String?, fallback: Currency?, path: String) throws(ProviderError) -> Currency {
        if let code {
            do { return try Currency(code) } catch { throw .invalidPayload(.salesforce, path: path, "not an ISO 4217 code") }
        }
        guard let fallback else {
            throw .invalidPayload(.salesforce, path: path, "no CurrencyIsoCode and no org currency configured")
        }
        return fallback
    }

    /// A decimal amount as ``Money``, through its exact digits (never a `Double`).
    static func money(_ amount: Decimal, currency: Currency, path: String) throws(ProviderError) -> Money {
        do {
            return try Money(decimalString: amount.description, currency: currency)
        } catch {
            throw .invalidPayload(.salesforce, path: path, "not an amount in \(currency)")
        }
    }

    /// `money` as the exact decimal a JSON body carries (`49.90` → `49.9`).
    static func decimal(_ money: Money) -> Decimal {
        Decimal(
            sign: money.minorUnits < 0 ? .minus : .plus,
            exponent: -money.currency.minorUnitDigits,
            significand: Decimal(money.minorUnits.magnitude)
        )
    }
}
