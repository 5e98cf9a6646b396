import Foundation
public import Logging

/// The one redaction step every log line passes through (``JSONLogHandler`` and ``RedactingLogHandler``): the
/// message and every metadata value come out with secrets and personal data replaced.
///
/// Replaced, wherever they appear in the text:
/// - e-mail addresses → `[email]`;
/// - `Bearer <token>` → `Bearer [redacted]`; JWTs (`eyJ….….…`) and Stripe-style keys (`sk_live_…`, `whsec_…`)
///   → `[token]`;
/// - card numbers: 13–19 digits, optionally grouped by spaces or dashes, starting with 2–6 (the card networks'
///   ranges) and passing the Luhn check → `[card]` (digits that are part of a longer token, such as a UUID or
///   an id with letters, are left alone);
/// - `password=…`, `token=…`, `secret=…` (and similar names) in query or form text, and the same names as JSON
///   string members (`"password":"…"`) → the value becomes `[redacted]`.
///
/// A metadata value whose key names a secret (`password`, `authorization`, `token`, …) is replaced whole.
/// Request ids, UUIDs, order ids and ordinary text are left as they are.
public enum LogRedaction {
    /// The text with every match replaced.
    public static func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var result = text
        if result.contains("@") { result = replace(emailPattern, in: result, with: "[email]") }
        result = replace(bearerPattern, in: result, with: "$1[redacted]")
        result = replace(tokenPattern, in: result, with: "[token]")
        result = replace(assignmentPattern, in: result, with: "$1[redacted]")
        result = replace(jsonMemberPattern, in: result, with: "$1\"[redacted]\"")
        if result.utf8.lazy.filter({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }).count >= 13 {
            result = redactCards(in: result)
        }
        return result
    }

    /// The metadata value redacted (strings inside arrays and dictionaries too); a value under a secret's key is
    /// replaced whole.
    public static func redact(_ value: Logger.Metadata.Value, key: String? = nil) -> Logger.Metadata.Value {
        if let key, isSecretKey(key) { return .string("[redacted]") }
        switch value {
        case .string(let text): return .string(redact(text))
        case .stringConvertible(let convertible): return .string(redact(convertible.description))
        case .array(let values): return .array(values.map { redact($0) })
        case .dictionary(let dictionary):
            return .dictionary(Dictionary(uniqueKeysWithValues: dictionary.map { ($0.key, redact($0.value, key: $0.key)) }))
        }
    }

    /// Every value of `metadata` redacted.
    public static func redact(_ metadata: Logger.Metadata) -> Logger.Metadata {
        Dictionary(uniqueKeysWithValues: metadata.map { ($0.key, redact($0.value, key: $0.key)) })
    }

    /// Whether a metadata key names a secret whose value is never logged.
    static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretKeys.contains(lowered) || lowered.hasSuffix("password") || lowered.hasSuffix("_token") || lowered.hasSuffix("_secret")
    }

    private static let secretKeys: Set<String> = [
        "password", "passwd", "authorization", "cookie", "set-cookie", "token", "secret", "api_key", "apikey", "client_secret",
    ]

    private static let secretNames = [
        "password", "passwd", "pwd", "new_password", "current_password", "access_token", "refresh_token", "id_token", "token", "api_key",
        "apikey", "client_secret", "secret",
    ].joined(separator: "|")

    private static let emailPattern = regex(#"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"#)
    private static let bearerPattern = regex(#"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]+"#)
    private static let tokenPattern = regex(
        #"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*|\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}|\bwhsec_[A-Za-z0-9]{8,}"#
    )
    private static let assignmentPattern = regex("(?i)\\b((?:\(secretNames))=)[^&\\s\"',;]+")
    private static let jsonMemberPattern = regex("(?i)(\"(?:\(secretNames))\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"")
    /// A run of 13–19 digits, single spaces or dashes between them, not glued to letters, digits or `-x`.
    private static let cardCandidatePattern = regex(#"(?<![0-9A-Za-z\-_])[2-6](?:[ \-]?[0-9]){12,18}(?![0-9A-Za-z_]|-[0-9A-Za-z])"#)

    /// The patterns are constants checked by the tests (`LogRedactionTests`); one that failed to compile would be nil.
    private static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern)
    }

    private static func replace(_ regex: NSRegularExpression?, in text: String, with template: String) -> String {
        guard let regex else { return text }
        return regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    private static func redactCards(in text: String) -> String {
        guard let pattern = cardCandidatePattern else { return text }
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard !matches.isEmpty else { return text }
        var result = text
        for match in matches.reversed() {
            guard let range = Range(match.range, in: result) else { continue }
            let digits = result[range].compactMap { $0.wholeNumberValue }
            if (13...19).contains(digits.count), luhn(digits) { result.replaceSubrange(range, with: "[card]") }
        }
        return result
    }

    /// The Luhn checksum (ISO/IEC 7812-1) every payment card number passes.
    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
