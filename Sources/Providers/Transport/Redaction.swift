import Foundation
public import NIOHTTP1

/// Makes URLs and headers safe to log: no credentials, no values of sensitive query parameters.
///
/// Matching errs on the side of hiding: a query key is sensitive when its letters and digits, lowercased, *contain*
/// one of ``sensitiveQueryWords`` (`api_key`, `access_token`, `X-Amz-Signature` and `postcode` are all hidden). An
/// over-redacted log line costs a little debugging; an under-redacted one leaks a secret.
public enum Redaction {
    /// What replaces a hidden value.
    public static let placeholder = "[redacted]"

    /// The words that make a query key sensitive (matched as substrings of the normalised key).
    public static let sensitiveQueryWords: [String] = [
        "key", "secret", "token", "password", "pass", "email", "auth", "signature", "accesskey", "identifier", "code",
    ]

    /// Query keys hidden when they match exactly: free-text queries that may quote personal data
    /// (Salesforce's SOQL in `q`, search terms).
    public static let sensitiveExactQueryKeys: Set<String> = ["q", "query", "search", "filter", "where", "phone", "name"]

    /// The header names whose values are always hidden (compared case-insensitively).
    public static let sensitiveHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey",
        "stripe-account", "x-auth-token", "x-access-token", "x-amz-security-token", "x-csrf-token", "x-xsrf-token",
        "x-sfdc-session", "x-webhook-secret", "stripe-signature", "x-hub-signature", "x-hub-signature-256",
    ]

    /// Header names containing one of these words are hidden too (`X-Partner-Token`, `X-Signing-Secret`, ...).
    static let sensitiveHeaderWords = ["token", "secret", "signature", "password", "session", "apikey", "api-key", "auth"]

    /// A URL safe to log: userinfo removed and the values of sensitive query keys replaced by ``placeholder``.
    ///
    /// The rest of the URL is kept byte for byte (no re-encoding), so log lines can be matched against the
    /// upstream's access log. A value without `=` (a bare flag) is kept.
    ///
    /// - Parameter url: An absolute URL (`https://user:pw@h/p?token=x`) or a path with a query.
    /// - Returns: The redacted URL.
    public static func url(_ url: String) -> String {
        var rest = Substring(url)
        var result = ""
        if let schemeEnd = rest.range(of: "://") {
            result += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            result += authority
            rest = rest[authorityEnd...]
        }
        let fragmentStart = rest.firstIndex(of: "#") ?? rest.endIndex
        let fragment = rest[fragmentStart...]
        rest = rest[..<fragmentStart]
        guard let queryStart = rest.firstIndex(of: "?") else { return result + rest + fragment }
        result += rest[...queryStart]
        let pairs = rest[rest.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: false)
        result += pairs.map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let key = pair[..<equals]
            return isSensitiveQueryKey(key) ? key + "=" + placeholder : String(pair)
        }.joined(separator: "&")
        return result + fragment
    }

    /// Headers safe to log: values of credential-bearing headers replaced by ``placeholder``.
    ///
    /// - Parameter headers: Header name and value pairs, in order.
    /// - Returns: The same pairs, with sensitive values hidden.
    public static func headers(_ headers: [(String, String)]) -> [(String, String)] {
        headers.map { name, value in (name, isSensitiveHeader(name) ? placeholder : value) }
    }

    /// Headers safe to log, from NIO's `HTTPHeaders`.
    public static func headers(_ headers: HTTPHeaders) -> [(String, String)] {
        Self.headers(headers.map { ($0.name, $0.value) })
    }

    /// Whether a header's value must never be logged.
    public static func isSensitiveHeader(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return sensitiveHeaderNames.contains(lowered) || sensitiveHeaderWords.contains { lowered.contains($0) }
    }

    /// Whether a query (or form) key's value must never be logged.
    ///
    /// The key is percent-decoded, lowercased and reduced to letters and digits first, so `api_key`, `apiKey`,
    /// `api%2Dkey` and `filter[email]` all match.
    public static func isSensitiveQueryKey(_ key: some StringProtocol) -> Bool {
        let decoded = FormEncoding.percentDecode(String(key)) ?? String(key)
        let normalised = String(decoded.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        return sensitiveExactQueryKeys.contains(normalised) || sensitiveQueryWords.contains { normalised.contains($0) }
    }
}
