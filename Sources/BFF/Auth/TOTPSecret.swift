import Foundation
import HummingbirdOTP

/// A TOTP secret (RFC 6238: SHA-1, 6 digits, 30-second steps, what every authenticator app defaults to).
///
/// HummingbirdOTP keys the HMAC with the secret string's UTF-8 bytes and puts base32 of those bytes into the
/// `otpauth://` URI. The stored secret is therefore a string of 32 random base32 characters (160 bits, the size
/// RFC 4226 recommends); what the user types into an app is the base32 in the URI.
struct TOTPSecret: Sendable, Hashable {
    /// As stored in ``UserRecord/mfaSecret``.
    let stored: String

    init(stored: String) {
        self.stored = stored
    }

    /// A new random secret.
    static func generate() -> TOTPSecret {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        return TOTPSecret(stored: String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] }))
    }

    /// The `otpauth://totp/…` URI for a QR code, labelled `Atrium:<account>`.
    func authenticatorURI(account: String) -> String {
        TOTP(secret: stored).createAuthenticatorURL(label: "Atrium:\(account)", issuer: "Atrium")
    }

    /// The base32 secret of ``authenticatorURI(account:)``, for manual entry.
    func base32(account: String) -> String? {
        URLComponents(string: authenticatorURI(account: account))?.queryItems?.first { $0.name == "secret" }?.value
    }

    /// True when `code` is six digits matching the step of `now` or one step either side (±30 s of clock
    /// skew between phone and server).
    ///
    /// A code stays usable for its window: Atrium keeps no record of used steps (the user store has no field
    /// for it), so within those 90 seconds a code observed by someone else could be replayed along with the
    /// password.
    func matches(_ code: String, now: Date) -> Bool {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let value = Int(code) else {
            return false
        }
        let totp = TOTP(secret: stored)
        return [-30.0, 0, 30].contains { totp.compute(date: now.addingTimeInterval($0)) == value }
    }
}
