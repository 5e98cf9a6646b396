import Domain

extension CRMAccount {
    /// Maps an `Account` record.
    ///
    /// The id is `Id`, or the last segment of `attributes.url` when the query did not select `Id`. The e-mail
    /// is `PersonEmail` (person accounts); the address is the billing address, `BillingStreet`'s first line as
    /// `line1` and the rest as `line2`, the country `BillingCountryCode` when the org has one, else `BillingCountry`.
    ///
    /// - Throws: `.invalidPayload` at `path` for a record without any id or with an invalid e-mail address.
    init(salesforce raw: SalesforceAccount, path: String = "$") throws(ProviderError) {
        guard let id = raw.id ?? raw.attributes?.recordID else {
            throw .invalidPayload(.salesforce, path: path + ".Id", "Account without Id or attributes.url")
        }
        var email: EmailAddress?
        if let text = raw.personEmail.nonBlank {
            do { email = try EmailAddress(text) } catch {
                throw .invalidPayload(.salesforce, path: path + ".PersonEmail", "not an e-mail address")
            }
        }
        let street = raw.billingStreet.nonBlank?.split(separator: "\n", maxSplits: 1).map(String.init) ?? []
        let address = PostalAddress(
            line1: street.first,
            line2: street.count > 1 ? street[1] : nil,
            city: raw.billingCity.nonBlank,
            state: raw.billingState.nonBlank,
            postalCode: raw.billingPostalCode.nonBlank,
            country: raw.billingCountryCode.nonBlank ?? raw.billingCountry.nonBlank
        )
        self.init(
            id: id,
            name: raw.name,
            email: email,
            phone: raw.phone.nonBlank,
            type: raw.type.nonBlank,
            industry: raw.industry.nonBlank,
            address: address.isEmpty ? nil : address,
            website: raw.website.nonBlank
        )
    }
}

extension Optional where Wrapped == String {
    /// The string unless it is absent or blank (Salesforce sends `""` and `null` alike for empty fields).
    var nonBlank: String? {
        guard let value = self, value.contains(where: { !$0.isWhitespace }) else { return nil }
        return value
    }
}
