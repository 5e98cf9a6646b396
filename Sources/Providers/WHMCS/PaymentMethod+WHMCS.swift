import Domain

extension PaymentMethod {
    /// Maps a `GetPayMethods` entry at `index`.
    ///
    /// Cards keep their brand (`card_type`, lower-cased), last four digits and `MM/YY` expiry; bank accounts
    /// their bank name, else the gateway. WHMCS lists pay methods in the client's order of preference, so the
    /// first one (`isFirst`) is the default.
    /// - Throws: `invalidPayload` for a last-four that is not four digits or an unreadable expiry.
    init(whmcs raw: WHMCSPayMethod, index: Int, isFirst: Bool) throws(ProviderError) {
        let path = "$.paymethods[\(index)]"
        let kind: Kind
        let brand: String?
        var last4: String?
        var expiry: (month: Int, year: Int)?
        switch raw.type {
        case .creditCard, .remoteCreditCard:
            kind = .card
            brand = WHMCSMapping.nonEmpty(raw.cardType)?.lowercased()
            last4 = WHMCSMapping.nonEmpty(raw.cardLastFour)
            if let text = WHMCSMapping.nonEmpty(raw.expiryDate) {
                guard let parsed = Self.expiry(text) else { throw .invalidPayload(.whmcs, path: "\(path).expiry_date", "not MM/YY") }
                expiry = parsed
            }
        case .bankAccount, .remoteBankAccount:
            kind = .bankAccount
            brand = WHMCSMapping.nonEmpty(raw.bankName) ?? WHMCSMapping.nonEmpty(raw.gatewayName)
        }
        do {
            try self.init(
                id: raw.id.value, kind: kind, brand: brand, last4: last4, expiryMonth: expiry?.month, expiryYear: expiry?.year,
                isDefault: isFirst
            )
        } catch {
            throw .invalidPayload(.whmcs, path: "\(path).card_last_four", "not four digits")
        }
    }

    /// A payment gateway from `GetPaymentMethods` (`paypal`, `stripe`): not a stored instrument, so kind `other`,
    /// the module name as id and the display name as brand.
    init(whmcsGateway gateway: WHMCSPaymentGateway) throws(ProviderError) {
        do {
            try self.init(id: gateway.module, kind: .other, brand: gateway.displayname, last4: nil)
        } catch {
            throw .invalidPayload(.whmcs, path: "$.paymentmethods", "unmappable gateway")
        }
    }

    /// `02/25` → (2, 2025).
    static func expiry(_ text: String) -> (month: Int, year: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2 || parts[1].count == 4,
              let month = Int(parts[0]), let year = Int(parts[1]), (1...12).contains(month)
        else { return nil }
        return (month, parts[1].count == 2 ? 2000 + year : year)
    }
}
