import Domain
import Foundation
import Testing

@Suite("Validation rules")
struct ValidationTests {
    @Test(arguments: ["alice@demo.atrium.test", "first.last+tag@Example.COM", "a@b.co"])
    func acceptsEmails(_ raw: String) throws {
        let email = try EmailAddress(raw)
        #expect(email.value.hasSuffix(raw.split(separator: "@")[1].lowercased()))
    }

    @Test(arguments: ["", "plain", "a@b", "@b.com", "a@@b.com", "a b@c.com", "a@-b.com", "a@b-.com", "a..b@c.com", ".a@b.com", "a@b..com"])
    func refusesEmails(_ raw: String) {
        #expect(throws: ValidationError.self) { try EmailAddress(raw) }
    }

    @Test func emailErrorsNameTheFieldNotTheValue() {
        do {
            _ = try EmailAddress("secret-person-at-example", field: "contact_email")
            Issue.record("accepted an invalid address")
        } catch {
            #expect(error.field == "contact_email")
            #expect(error.code == .invalidFormat)
            #expect(!error.description.contains("secret-person"))
        }
    }

    @Test func quantitiesAreBounded() throws {
        #expect(try Quantity(1).value == 1)
        #expect(try Quantity(Quantity.maximum).value == Quantity.maximum)
        #expect(throws: ValidationError.self) { try Quantity(0) }
        #expect(throws: ValidationError.self) { try Quantity(-3) }
        #expect(throws: ValidationError.self) { try Quantity(Quantity.maximum + 1) }
    }

    @Test func skus() throws {
        #expect(try SKU(" SIM-5GB ").value == "SIM-5GB")
        #expect(throws: ValidationError.self) { try SKU("") }
        #expect(throws: ValidationError.self) { try SKU("has space") }
        #expect(throws: ValidationError.self) { try SKU(String(repeating: "x", count: 65)) }
    }

    @Test func iccidCheckDigit() throws {
        let body = "894912345678901234"
        let valid = body + String(ICCID.luhnCheckDigit(body))
        #expect(try ICCID(valid).value == valid)
        let wrongDigit = body + String((Int(String(ICCID.luhnCheckDigit(body)))! + 1) % 10)
        #expect(throws: ValidationError.self) { try ICCID(wrongDigit) }
        #expect(throws: ValidationError.self) { try ICCID("89491234") }
        #expect(throws: ValidationError.self) { try ICCID("89491234567890123x") }
        // A 19-digit ICCID whose check digit was computed by hand: 8944500102198304826.
        #expect(try ICCID("8944500102198304826").value == "8944500102198304826")
        #expect(throws: ValidationError.self) { try ICCID("8944500102198304827") }
    }

    @Test func msisdns() throws {
        #expect(try MSISDN("+81 90-1234-5678").value == "819012345678")
        #expect(throws: ValidationError.self) { try MSISDN("09012345678") }
        #expect(throws: ValidationError.self) { try MSISDN("123") }
        #expect(throws: ValidationError.self) { try MSISDN("+1 555 CALL NOW") }
    }

    @Test func decimalAmountsParseExactly() throws {
        let eur = try Currency("EUR")
        let jpy = try Currency("JPY")
        #expect(try Money(decimalString: "12.50", currency: eur).minorUnits == 1250)
        #expect(try Money(decimalString: "7.5", currency: eur).minorUnits == 750)
        #expect(try Money(decimalString: "-0.05", currency: eur).minorUnits == -5)
        #expect(try Money(decimalString: "1000", currency: jpy).minorUnits == 1000)
        #expect(try Money(decimalString: "12.500", currency: eur).minorUnits == 1250)
        #expect(try Money(decimalString: ".5", currency: eur).minorUnits == 50)
        for bad in ["", "1,000.00", "1e3", "12.505", "abc", "1.2.3", "-", "."] {
            #expect(throws: ValidationError.self, "\(bad)") { try Money(decimalString: bad, currency: eur) }
        }
        #expect(throws: ValidationError.self) { try Money(decimalString: "99999999999999999999", currency: eur) }
    }

    @Test func invoicesRefuseMixedCurrencies() throws {
        let eur = try Currency("EUR")
        let usd = try Currency("USD")
        let zero = Money(minorUnits: 0, currency: eur)
        let line = InvoiceLine(description: "x", quantity: 1, amount: Money(minorUnits: 100, currency: usd))
        #expect(throws: ValidationError.self) {
            try Invoice(
                id: "in_1", number: nil, customerID: "c", status: .open, currency: eur, lines: [line], subtotal: zero, tax: zero,
                total: zero, amountPaid: zero, amountDue: zero, issuedAt: nil, dueAt: nil, paidAt: nil
            )
        }
    }

    @Test func overdueIsDecidedWithAGivenNow() throws {
        let eur = try Currency("EUR")
        let due = Money(minorUnits: 500, currency: eur)
        let zero = Money(minorUnits: 0, currency: eur)
        let dueAt = Date(timeIntervalSince1970: 1_700_000_000)
        let invoice = try Invoice(
            id: "in_1", number: "1", customerID: "c", status: .open, currency: eur, lines: [], subtotal: due, tax: zero,
            total: due, amountPaid: zero, amountDue: due, issuedAt: nil, dueAt: dueAt, paidAt: nil
        )
        #expect(!invoice.isOverdue(at: dueAt.addingTimeInterval(-1)))
        #expect(invoice.isOverdue(at: dueAt.addingTimeInterval(1)))
    }

    @Test func slaDueDatesFollowPriority() {
        let opened = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(SLAPolicy.standard.dueDate(priority: .urgent, openedAt: opened) == opened.addingTimeInterval(4 * 3600))
        #expect(SLAPolicy.standard.dueDate(priority: .low, openedAt: opened) == opened.addingTimeInterval(72 * 3600))
        var open = SupportCase(
            id: "1", number: nil, accountID: nil, subject: "s", description: nil, status: .new, priority: .urgent, openedAt: opened,
            slaDueAt: SLAPolicy.standard.dueDate(priority: .urgent, openedAt: opened)
        )
        #expect(open.isBreachingSLA(at: opened.addingTimeInterval(5 * 3600)))
        open.status = .closed
        #expect(!open.isBreachingSLA(at: opened.addingTimeInterval(5 * 3600)))
    }

    @Test func usageAndPaymentMethodRules() throws {
        let start = Date(timeIntervalSince1970: 0)
        let usage = try DataUsage(usedBytes: 2_500, limitBytes: 10_000, periodStart: start, periodEnd: start.addingTimeInterval(86_400))
        #expect(usage.usedPerMille == 250)
        #expect(throws: ValidationError.self) { try DataUsage(usedBytes: -1, limitBytes: nil, periodStart: start, periodEnd: start.addingTimeInterval(1)) }
        #expect(throws: ValidationError.self) { try PaymentMethod(id: "pm", kind: .card, brand: "visa", last4: "4242424242424242") }
        #expect(throws: ValidationError.self) { try PaymentMethod(id: "pm", kind: .card, brand: "visa", last4: "4242", expiryMonth: 13) }
        #expect(try PaymentMethod(id: "pm", kind: .card, brand: "visa", last4: "4242").last4 == "4242")
    }

    @Test func draftsValidateTheirText() throws {
        #expect(throws: ValidationError.self) { try CaseDraft(accountID: "a", subject: "   ", description: "", priority: .low) }
        #expect(throws: ValidationError.self) { try CaseCommentDraft(body: "") }
        #expect(try CaseCommentDraft(body: "  hello  ").body == "hello")
        #expect(throws: ValidationError.self) { try BillingOrderRequest(customerID: "c", lines: [], idempotencyKey: "k") }
    }

    @Test func pageLimitsAreClamped() {
        #expect(PageRequest(limit: 0).limit == 1)
        #expect(PageRequest(limit: 10_000).limit == PageRequest.maximumLimit)
    }
}
