import Foundation
import Domain
import Testing

@Suite("Money and currency")
struct MoneyTests {
    @Test func currencyCodesAreValidated() throws {
        #expect(try Currency("eur").code == "EUR")
        for bad in ["EU", "EURO", "E1R", "", "€UR"] {
            #expect(throws: CurrencyError.invalidCode) { try Currency(bad) }
        }
    }

    @Test func addsOnlyTheSameCurrency() throws {
        let eur = try Currency("EUR")
        let usd = try Currency("USD")
        #expect(try Money(minorUnits: 1250, currency: eur).adding(Money(minorUnits: 5, currency: eur)) == Money(minorUnits: 1255, currency: eur))
        #expect(throws: MoneyError.currencyMismatch(eur, usd)) { try Money(minorUnits: 1, currency: eur).adding(Money(minorUnits: 1, currency: usd)) }
        #expect(throws: MoneyError.overflow) { try Money(minorUnits: .max, currency: eur).adding(Money(minorUnits: 1, currency: eur)) }
        #expect(throws: MoneyError.overflow) { try Money(minorUnits: .max / 2 + 1, currency: eur).multiplied(by: 2) }
        #expect(try Money(minorUnits: 999, currency: eur).multiplied(by: 3).minorUnits == 2997)
    }

    @Test(arguments: [
        (1250, "EUR", "12.50"), (-5, "EUR", "-0.05"), (1000, "JPY", "1000"), (1234, "KWD", "1.234"), (0, "USD", "0.00"),
    ])
    func decimalStrings(_ minor: Int64, _ code: String, _ expected: String) throws {
        #expect(Money(minorUnits: minor, currency: try Currency(code)).decimalString == expected)
    }

    @Test func codableRoundTripRejectsBadCurrency() throws {
        let money = Money(minorUnits: 42, currency: try Currency("CZK"))
        let data = try JSONEncoder().encode(money)
        #expect(try JSONDecoder().decode(Money.self, from: data) == money)
        let bad = Data(#"{"minorUnits":1,"currency":"XX"}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Money.self, from: bad) }
    }

    @Test func upstreamIDsAreTheFiveSystems() {
        #expect(UpstreamID.allCases.map(\.rawValue) == ["stripe", "whmcs", "salesforce", "sim", "supplier"])
    }
}
