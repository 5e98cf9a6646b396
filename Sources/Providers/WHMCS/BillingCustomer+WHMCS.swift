import Domain

extension BillingCustomer {
    /// Maps a `GetClientsDetails` client.
    ///
    /// The name is `fullname`, else first and last name, else the company. WHMCS keeps a positive *credit* on the
    /// account, which is the negative balance of ``BillingCustomer/balance``.
    /// - Throws: `invalidPayload` for an unreadable e-mail or currency, or a client with no name at all.
    init(whmcs client: WHMCSClientDetails) throws(ProviderError) {
        let currency = try WHMCSMapping.currency(client.currencyCode, path: "$.client.currency_code")
        let email: EmailAddress
        do {
            email = try EmailAddress(client.email)
        } catch {
            throw .invalidPayload(.whmcs, path: "$.client.email", "not an e-mail address")
        }
        let joined = [client.firstname, client.lastname].compactMap { WHMCSMapping.nonEmpty($0) }.joined(separator: " ")
        guard let name = WHMCSMapping.nonEmpty(client.fullname) ?? WHMCSMapping.nonEmpty(joined) ?? WHMCSMapping.nonEmpty(client.companyname)
        else { throw .invalidPayload(.whmcs, path: "$.client.fullname", "client without a name") }
        let address = PostalAddress(
            line1: WHMCSMapping.nonEmpty(client.address1),
            line2: WHMCSMapping.nonEmpty(client.address2),
            city: WHMCSMapping.nonEmpty(client.city),
            state: WHMCSMapping.nonEmpty(client.state),
            postalCode: WHMCSMapping.nonEmpty(client.postcode),
            country: WHMCSMapping.nonEmpty(client.countrycode)
        )
        var balance: Money?
        if let credit = client.credit {
            let amount = try credit.money(currency)
            balance = Money(minorUnits: -amount.minorUnits, currency: currency)
        }
        self.init(
            id: client.id.value,
            email: email,
            name: name,
            company: WHMCSMapping.nonEmpty(client.companyname),
            phone: WHMCSMapping.nonEmpty(client.phonenumberformatted) ?? WHMCSMapping.nonEmpty(client.phonenumber),
            address: address.isEmpty ? nil : address,
            currency: currency,
            balance: balance,
            createdAt: client.datecreated?.date
        )
    }
}

/// Small mapping helpers shared by the WHMCS mappers.
enum WHMCSMapping {
    /// `nil` for `nil`, `""` and blanks (WHMCS sends `""` for every unset text field).
    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.allSatisfy({ $0 == " " }) else { return nil }
        return text
    }

    static func currency(_ code: String?, path: String) throws(ProviderError) -> Currency {
        guard let code, let currency = try? Currency(code) else {
            throw .invalidPayload(.whmcs, path: path, "not an ISO 4217 currency code")
        }
        return currency
    }
}
