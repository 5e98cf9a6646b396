import Domain

/// The only way SOQL text is built: fixed field lists, validated ids and escaped string literals.
///
/// Nothing a caller passes reaches a query unescaped: ids must be Salesforce ids (ASCII letters and digits),
/// and every other value is a quoted literal with `\` and `'` (and the other SOQL escape characters) escaped.
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
enum SalesforceSOQL {
    /// Salesforce ids are 15 (case-sensitive) or 18 (case-safe) characters; what keeps a query safe is that an id
    /// is letters and digits only.
    static let idLengths: Set<Int> = [15, 18]

    /// `value` as a quoted SOQL string literal, with the reserved characters escaped.
    static func literal(_ value: String) -> String {
        var escaped = "'"
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "'": escaped += "\\'"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\u{08}": escaped += "\\b"
            case "\u{0C}": escaped += "\\f"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped + "'"
    }

    /// Whether `raw` has the shape of a Salesforce record id.
    static func isRecordID(_ raw: String) -> Bool {
        idLengths.contains(raw.utf8.count) && raw.utf8.allSatisfy(isAlphanumeric)
    }

    /// `raw` when it is a record id; otherwise `.rejected` without calling Salesforce.
    static func recordID(_ raw: String, field: String) throws(ProviderError) -> String {
        guard isRecordID(raw) else {
            throw ProviderError(.rejected, provider: .salesforce, upstreamCode: "MALFORMED_ID", detail: "\(field) is not a Salesforce id")
        }
        return raw
    }

    /// `raw` when it is a safe external id value (letters, digits, `-`, `_`, `.`; at most 80; not `.` or `..`),
    /// so it can sit in a URL path segment; otherwise `.rejected`.
    static func externalID(_ raw: String, field: String) throws(ProviderError) -> String {
        let allowed = raw.utf8.allSatisfy { isAlphanumeric($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
        guard (1...80).contains(raw.utf8.count), allowed, raw != ".", raw != ".." else {
            throw ProviderError(.rejected, provider: .salesforce, detail: "\(field) is not a valid external id")
        }
        return raw
    }

    /// `field IN ('a', 'b')` with every value escaped.
    static func inList(_ values: [String]) -> String {
        "(" + values.map(literal).joined(separator: ", ") + ")"
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
