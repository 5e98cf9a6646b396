import Domain
import Foundation

/// The conversions every Stripe mapping shares: currencies, Unix times, decimal minor units, intervals, sums.
///
/// Each failure is `.invalidPayload` naming the JSON path it was found at.
enum StripeValue {
    static func invalid(_ path: String, _ detail: String) -> ProviderError {
        .invalidPayload(.stripe, path: path, detail)
    }

    /// A lower-case ISO 4217 code (`"usd"`) as a ``Currency``.
    static func currency(_ code: String, at path: String) throws(ProviderError) -> Currency {
        do {
            return try Currency(code)
        } catch {
            throw invalid(path, "not an ISO 4217 currency code")
        }
    }

    /// A Unix timestamp in seconds.
    static func date(_ unix: Int64?) -> Date? {
        unix.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// Runs a Domain initialiser, turning its ``ValidationError`` into `.invalidPayload` at `path`, or at
    /// `path.<name>` when `fields` names the Stripe field behind the Domain field that failed.
    static func validated<T>(
        _ path: String, fields: [String: String] = [:], _ make: () throws(ValidationError) -> T
    ) throws(ProviderError) -> T {
        do {
            return try make()
        } catch {
            throw invalid(fields[error.field].map { path + "." + $0 } ?? path, "\(error.field): \(error.code)")
        }
    }

    /// The sum of minor-unit amounts, failing on overflow.
    static func sum(_ amounts: [Int64], at path: String) throws(ProviderError) -> Int64 {
        var total: Int64 = 0
        for amount in amounts {
            let (next, overflow) = total.addingReportingOverflow(amount)
            if overflow { throw invalid(path, "amounts overflow") }
            total = next
        }
        return total
    }

    /// A `*_decimal` field (a decimal string in minor units, such as `"2000"` or `"2000.5"`) as whole minor units.
    ///
    /// - Returns: `nil` when the value has a non-zero fraction of a minor unit (metered prices), which ``Money``
    ///   cannot hold; callers leave the unit amount out then.
    /// - Throws: `.invalidPayload` when `text` is not a plain decimal number.
    static func minorUnits(decimal text: String, at path: String) throws(ProviderError) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let isDigits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        var whole = parts.first ?? ""
        let negative = whole.first == "-"
        if negative { whole = whole.dropFirst() }
        guard (1...2).contains(parts.count), isDigits(whole), parts.count == 1 || isDigits(parts[1]) else {
            throw invalid(path, "not a decimal number")
        }
        if parts.count == 2, parts[1].contains(where: { $0 != "0" }) { return nil }
        guard let value = Int64(whole) else { throw invalid(path, "decimal amount out of range") }
        return negative ? -value : value
    }

    /// A price's `recurring.interval` and `interval_count` as a ``BillingInterval``.
    ///
    /// Stripe allows any count up to a year (`day` × 1…365, `week` × 1…52, `month` × 1…12, `year` × 1…3); Atrium
    /// has names for weekly, monthly, quarterly, semi-annual, yearly, two- and three-yearly periods only, so any other
    /// combination is `.invalidPayload` (at `interval` for `day`, at `interval_count` for an unnamed count).
    static func interval(_ interval: String, count: Int, at path: String) throws(ProviderError) -> BillingInterval {
        let mapped: BillingInterval?
        switch interval {
        case "week": mapped = count == 1 ? .weekly : nil
        case "month":
            switch count {
            case 1: mapped = .monthly
            case 3: mapped = .quarterly
            case 6: mapped = .semiAnnually
            case 12: mapped = .annually
            case 24: mapped = .biennially
            case 36: mapped = .triennially
            default: mapped = nil
            }
        case "year":
            switch count {
            case 1: mapped = .annually
            case 2: mapped = .biennially
            case 3: mapped = .triennially
            default: mapped = nil
            }
        default:
            throw invalid(path + ".interval", "no Atrium billing interval for this unit")
        }
        guard let mapped else { throw invalid(path + ".interval_count", "no Atrium billing interval for this count") }
        return mapped
    }

    /// A percentage (`21`, `8.25`) in basis points (`2100`, `825`); `nil` below a basis point's precision.
    static func basisPoints(_ percentage: Decimal) -> Int? {
        var scaled = percentage * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled else { return nil }
        return Int(NSDecimalNumber(decimal: rounded).int64Value)
    }
}
