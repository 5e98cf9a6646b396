import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The browser half of a session: the refresh-token cookie and the CSRF double-submit token.
///
/// The refresh token travels in `atrium_refresh` (`HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth`), so
/// page scripts cannot read it and the browser sends it to the auth routes only. A request authenticated by that
/// cookie must also carry `X-CSRF-Token` equal to the readable `atrium_csrf` cookie (double submit). The CSRF
/// value is not random but `HMAC(key, family id)` under a key derived from the JWT secret: a cookie planted by a
/// sibling subdomain (the classic weakness of plain double submit) cannot match a family it does not know the
/// MAC of, and the value stays the same for the whole session, across rotations.
struct AuthCookies: Sendable {
    static let refreshName = "atrium_refresh"
    static let csrfName = "atrium_csrf"
    static let refreshPath = "/api/v1/auth"
    static let csrfHeader = "x-csrf-token"

    private let key: SymmetricKey

    init(secret: Secret) {
        // A key of its own, so a CSRF value can never double as anything signed with the JWT secret.
        let derived = HMAC<SHA256>.authenticationCode(for: Array("atrium-csrf-v1".utf8), using: SymmetricKey(data: Array(secret.value.utf8)))
        self.key = SymmetricKey(data: Array(derived))
    }

    /// The CSRF token of a family.
    func csrfToken(family: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array("csrf:\(family)".utf8), using: key))
    }

    /// Sets both cookies for a session, expiring with the family.
    func set(on response: inout Response, refresh: RefreshToken, family: RefreshFamily, now: Date) {
        let maxAge = max(0, Int(family.expiresAt.timeIntervalSince(now)))
        response.setCookie(
            Cookie(name: Self.refreshName, value: refresh.value, maxAge: maxAge, path: Self.refreshPath, secure: true, httpOnly: true, sameSite: .strict)
        )
        response.setCookie(
            Cookie(name: Self.csrfName, value: csrfToken(family: family.id), maxAge: maxAge, path: "/", secure: true, httpOnly: false, sameSite: .strict)
        )
    }

    /// `Set-Cookie` values that delete both cookies (logout, a refused refresh).
    static var clearing: [String] {
        [
            Cookie(name: refreshName, value: "", maxAge: 0, path: refreshPath, secure: true, httpOnly: true, sameSite: .strict).description,
            Cookie(name: csrfName, value: "", maxAge: 0, path: "/", secure: true, httpOnly: false, sameSite: .strict).description,
        ]
    }

    /// Deletes both cookies on a response.
    static func clear(on response: inout Response) {
        response.headers[values: .setCookie].append(contentsOf: clearing)
    }

    /// The refresh token from the cookie, after checking the CSRF header against both the CSRF cookie and the
    /// MAC of the token's family.
    ///
    /// - Returns: nil when the request has no refresh cookie.
    /// - Throws: A 403 `csrf` problem when the cookie is there but the header is missing or wrong.
    func cookieToken(_ request: Request) throws -> String? {
        guard let token = request.cookies[Self.refreshName]?.value, !token.isEmpty else { return nil }
        let header = request.headers.first { $0.name.canonicalName == Self.csrfHeader }?.value
        guard let header, let cookie = request.cookies[Self.csrfName]?.value, Self.equal(header, cookie),
            let parsed = RefreshToken(parsing: token), Self.equal(header, csrfToken(family: parsed.family))
        else {
            throw Problem(.csrf, status: .forbidden, detail: "Requests authenticated by the refresh cookie need an X-CSRF-Token header equal to the atrium_csrf cookie.")
        }
        return token
    }

    /// Compares in time that depends on the lengths only.
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
