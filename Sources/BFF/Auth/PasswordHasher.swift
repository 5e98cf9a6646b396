import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Hashes and verifies account passwords: bcrypt over a peppered HMAC-SHA256 pre-hash.
///
/// bcrypt reads at most 72 bytes of its input and silently ignores the rest, so two long passwords that share their
/// first 72 bytes would verify against each other (and a 256-character passphrase would be as strong as its first
/// 72 bytes only). Each password is therefore first reduced to `base64(HMAC-SHA256(pepper, password))`: 44 ASCII
/// bytes that depend on every byte of the password, with no NUL byte to cut bcrypt's C string short. The pepper
/// is a server secret kept outside the database (`ATRIUM_PASSWORD_PEPPER`), so a stolen table of hashes cannot be
/// attacked offline without it.
///
/// bcrypt at cost 12 takes a quarter of a second of CPU. Both operations run on NIO's blocking thread pool, never
/// on the cooperative pool that serves requests, so a burst of logins does not stall every other request.
public struct PasswordHasher: Sendable {
    /// bcrypt's log2 rounds: 12 in production; tests may pass a lower one (never below bcrypt's minimum of 4).
    public let cost: Int
    private let key: SymmetricKey

    /// - Parameters:
    ///   - pepper: The server-wide secret mixed into every password before bcrypt.
    ///   - cost: bcrypt's log2 rounds, clamped to bcrypt's range 4…31. Keep the default (12) outside tests.
    public init(pepper: Secret, cost: Int = 12) {
        self.key = SymmetricKey(data: Array(pepper.value.utf8))
        self.cost = min(max(cost, 4), 31)
    }

    /// Hashes a password for storage.
    ///
    /// Callers validate the password with ``PasswordPolicy/validate(_:)`` first; this function accepts any input.
    /// - Returns: A bcrypt string (`$2b$12$…`), salted at random.
    /// - Throws: When the blocking thread pool is shut down.
    public func hash(_ password: String) async throws -> String {
        let input = prehash(password)
        let cost = UInt8(self.cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    /// Checks a password against a stored hash, in time that depends on the hash's cost only.
    ///
    /// - Returns: false for a wrong password and for a malformed hash.
    /// - Throws: When the blocking thread pool is shut down.
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = prehash(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    /// `base64(HMAC-SHA256(pepper, UTF-8 password))`.
    func prehash(_ password: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(password.utf8), using: key)
        return Data(mac).base64EncodedString()
    }
}
