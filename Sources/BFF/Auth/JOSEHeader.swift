import Foundation

/// The JOSE header of a compact JWT, parsed by Atrium itself before any library sees the token.
///
/// JWTKit picks the verification key from the header's `kid` and falls back to its default key for an unknown
/// one, and it does not compare `alg` with the key's algorithm. Pinning both here, explicitly, closes the
/// classic JWT confusions: `alg: none`, an HS512 or RS256 header, a `kid` naming nothing.
struct JOSEHeader: Decodable {
    var alg: String?
    var kid: String?
    var typ: String?
    var crit: [String]?

    /// The longest token accepted at all: real ones are well under 1 KiB.
    static let maxTokenBytes = 8192

    /// Throws unless `token` is three base64url parts whose header says `alg` HS256, `kid` = `keyID`, no `crit`
    /// and `typ` absent or JWT.
    static func pinned(_ token: String, keyID: String) throws(TokenRejection) {
        guard token.utf8.count <= maxTokenBytes else { throw TokenRejection(.malformed, "token longer than \(maxTokenBytes) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw TokenRejection(.malformed, "expected 3 parts, got \(parts.count)") }
        guard let data = Base64URL.decode(parts[0]), let header = try? JSONDecoder().decode(JOSEHeader.self, from: data) else {
            throw TokenRejection(.malformed, "header is not base64url JSON")
        }
        guard header.alg == TokenService.algorithm else {
            throw TokenRejection(.algorithm, "alg \(loggable(header.alg)) is not \(TokenService.algorithm)")
        }
        guard header.kid == keyID else { throw TokenRejection(.unknownKey, "kid \(loggable(header.kid)) is unknown") }
        guard header.crit == nil else { throw TokenRejection(.malformed, "crit header is not supported") }
        guard header.typ == nil || header.typ == "JWT" else { throw TokenRejection(.malformed, "typ is not JWT") }
        guard !parts[1].isEmpty, !parts[2].isEmpty, Base64URL.decode(parts[2]) != nil else {
            throw TokenRejection(.malformed, "payload or signature missing")
        }
    }

    /// A header value for the debug log: short and printable, or `?`.
    private static func loggable(_ value: String?) -> String {
        guard let value else { return "(absent)" }
        let safe = value.prefix(24).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        return safe ? "'\(value.prefix(24))'" : "?"
    }
}
