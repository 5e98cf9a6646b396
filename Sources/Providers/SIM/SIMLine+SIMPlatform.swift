package import Domain

extension SIMLine {
    /// Maps a platform line object.
    ///
    /// The line's id is the platform's `msisdn` as sent (national form, the platform addresses lines by it);
    /// ``SIMLine/msisdn`` is its E.164 form (`09012345678` → `819012345678`). Usage is not part of a line object.
    ///
    /// - Parameters:
    ///   - raw: The decoded line object.
    ///   - path: The JSON path of the object in its payload, e.g. `$.account.lines[1]`.
    /// - Throws: `invalidPayload` naming the field's path for an empty id, an invalid ICCID or number, or an
    ///   unknown status.
    package init(simPlatform raw: SIMPlatformLine, path: String) throws(ProviderError) {
        let msisdn: MSISDN
        do {
            msisdn = try MSISDN(SIMPlatformNumber.e164(raw.msisdn))
        } catch {
            throw .invalidPayload(.sim, path: path + ".msisdn", "not a Japanese or E.164 phone number")
        }
        let iccid: ICCID
        do throws(ValidationError) {
            iccid = try ICCID(raw.iccid)
        } catch {
            throw .invalidPayload(.sim, path: path + ".iccid", "invalid ICCID: \(error.code)")
        }
        guard !raw.account.isEmpty else { throw .invalidPayload(.sim, path: path + ".account", "empty account") }
        guard !raw.planCode.isEmpty else { throw .invalidPayload(.sim, path: path + ".planCode", "empty plan code") }
        guard let status = SIMStatus(simPlatform: raw.status) else {
            throw .invalidPayload(.sim, path: path + ".status", "unknown line status")
        }
        self.init(
            id: raw.msisdn,
            accountID: raw.account,
            iccid: iccid,
            msisdn: msisdn,
            plan: raw.planCode,
            status: status,
            usage: nil,
            pendingOperationID: raw.lockedBy.isEmpty ? nil : raw.lockedBy
        )
    }
}

extension SIMStatus {
    /// The platform's line status: `reserved` → allocated, `registered` → configured, `terminated` →
    /// deactivated, `returned` → released; `active` and `suspended` keep their names.
    package init?(simPlatform status: String) {
        switch status {
        case "reserved": self = .allocated
        case "registered": self = .configured
        case "active": self = .active
        case "suspended": self = .suspended
        case "terminated": self = .deactivated
        case "returned": self = .released
        default: return nil
        }
    }
}

/// Phone numbers between the platform's Japanese national form and E.164.
package enum SIMPlatformNumber {
    /// The E.164 digits (no `+`) of a platform number: a national `0…` number gets Japan's `81` in place of
    /// its leading `0`; anything else is returned unchanged (``MSISDN`` then validates it).
    package static func e164(_ number: String) -> String {
        guard number.hasPrefix("0"), !number.hasPrefix("00") else { return number }
        return "81" + number.dropFirst()
    }

    /// The platform's form of a line id: an E.164 Japanese number (`819012345678`, `+819012345678`) becomes
    /// `09012345678`; a national number or anything else is sent as given.
    package static func platform(_ lineID: String) -> String {
        var digits = Substring(lineID)
        if digits.hasPrefix("+") { digits = digits.dropFirst() }
        guard digits.hasPrefix("81"), (11...12).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { return lineID }
        return "0" + digits.dropFirst(2)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
