/// An e-mail address checked for the shape mail systems accept: one `@`, a non-empty local part of at most
/// 64 bytes, a domain of dot-separated labels (letters, digits, hyphens; no leading or trailing hyphen) with
/// at least one dot, 254 bytes at most in all. The domain is lower-cased; the local part is kept as given.
public struct EmailAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String, field: String = "email") throws(ValidationError) {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { throw ValidationError(.required, field: field, "an e-mail address is required") }
        guard text.utf8.count <= 254 else { throw ValidationError(.tooLong, field: field, "at most 254 characters") }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else {
            throw ValidationError(.invalidFormat, field: field, "not an e-mail address")
        }
        let local = parts[0]
        let forbidden: Set<Character> = [" ", "\t", "\n", "\r", "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\""]
        guard !local.contains(where: { forbidden.contains($0) }), !local.hasPrefix("."), !local.hasSuffix("."),
              !local.contains("..")
        else { throw ValidationError(.invalidFormat, field: field, "not an e-mail address") }
        let domain = parts[1].lowercased()
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(Self.isValidLabel) else {
            throw ValidationError(.invalidFormat, field: field, "not an e-mail address")
        }
        self.value = "\(local)@\(domain)"
    }

    private static func isValidLabel(_ label: Substring) -> Bool {
        guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
        return label.utf8.allSatisfy { byte in
            (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (Domain avoids Foundation's trimming).
    package func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
