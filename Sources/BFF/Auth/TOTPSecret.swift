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

    /// The time step (Unix seconds / 30) whose code `code` is, when it is six digits matching the step of `now` or
    /// one step either side (±30 s of clock skew between phone and server); nil otherwise.
    ///
    /// Callers accept a code only after ``UserRepository/claimTOTPStep(id:step:)`` took its step, so a code (or an
    /// older one) is never accepted twice, even within its window.
    func matchingStep(_ code: String, now: Date) -> Int64? {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let value = Int(code) else {
            return nil
        }
        let totp = TOTP(secret: stored)
        for offset in [-30.0, 0, 30] {
            let date = now.addingTimeInterval(offset)
            if totp.compute(date: date) == value { return Int64((date.timeIntervalSince1970 / 30).rounded(.down)) }
        }
        return nil
    }
}
