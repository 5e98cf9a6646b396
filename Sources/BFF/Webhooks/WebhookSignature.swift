import Crypto
public import Foundation

/// Why a webhook's signature was refused. The detail is for the log (at debug): it never holds a secret, a
/// signature or the body.
public struct WebhookSignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable {
        private enum Base: Hashable { case missing, malformed, mismatch, timestampOutOfTolerance }
        private let base: Base
        /// A signature or timestamp header is absent.
        public static let missing = Code(base: .missing)
        /// A header is present but not in the scheme's format.
        public static let malformed = Code(base: .malformed)
        /// No configured secret produces any of the signatures sent.
        public static let mismatch = Code(base: .mismatch)
        /// The signature verifies but its timestamp is too far from now.
        public static let timestampOutOfTolerance = Code(base: .timestampOutOfTolerance)
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "WebhookSignatureError(\(detail))" }
}

/// HMAC-SHA256 webhook signatures over `"<timestamp>.<raw body>"`, the scheme Stripe's `v1` and the WHMCS,
/// Salesforce, SIM and supplier upstreams share (lower-case hex; upper case is accepted too).
///
/// Verification works on the raw bytes as received, before anything parses them; compares in constant time
/// (swift-crypto's MAC equality); accepts any of several secrets (a rotation) and any of several signatures; and
/// refuses a timestamp more than `tolerance` away from now in either direction. The signature is checked
/// before the timestamp, so "out of tolerance" always means a genuinely signed but stale (or future) event.
public enum WebhookSignature {
    /// Stripe's default tolerance, used for every upstream: 5 minutes.
    public static let defaultTolerance: TimeInterval = 300

    /// Verifies `signatures` (hex) against `body` signed at `timestamp` under any of `secrets`.
    ///
    /// - Parameters:
    ///   - timestamp: The signed Unix time in seconds, as the header spelled it (digits only).
    ///   - signatures: The candidate signatures, hex.
    ///   - body: The raw request body.
    ///   - secrets: The configured secrets (several during a rotation); must not be empty.
    ///   - now: The receiver's clock.
    ///   - tolerance: The largest accepted |now − timestamp|, in seconds.
    /// - Throws: ``WebhookSignatureError``: `.malformed` for a timestamp that is not a number, `.mismatch`,
    ///   `.timestampOutOfTolerance`.
    public static func verify(
        timestamp: String,
        signatures: [String],
        body: Data,
        secrets: [Secret],
        now: Date,
        tolerance: TimeInterval = defaultTolerance
    ) throws(WebhookSignatureError) {
        guard !timestamp.isEmpty, timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let seconds = Int64(timestamp)
        else {
            throw WebhookSignatureError(.malformed, "the timestamp is not a Unix time in seconds")
        }
        let candidates = signatures.compactMap(hexBytes).filter { $0.count == SHA256.byteCount }
        guard !candidates.isEmpty else { throw WebhookSignatureError(.malformed, "no signature is 64 hex digits") }
        let prefix = Data("\(timestamp).".utf8)
        var matched = false
        for secret in secrets where !secret.value.isEmpty {
            var hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.value.utf8)))
            hmac.update(data: prefix)
            hmac.update(data: body)
            let expected = hmac.finalize()
            // `==` between a MAC and bytes is swift-crypto's constant-time comparison.
            for candidate in candidates where expected == candidate { matched = true }
        }
        guard matched else { throw WebhookSignatureError(.mismatch, "no configured secret produces the signature") }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else {
            throw WebhookSignatureError(.timestampOutOfTolerance, "the timestamp is more than \(Int(tolerance)) s from now")
        }
    }

    /// Lower-case hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret` (what a sender puts in its header).
    public static func sign(body: Data, timestamp: Int64, secret: String) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        hmac.update(data: Data("\(timestamp).".utf8))
        hmac.update(data: body)
        return hmac.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The bytes of a hex string, or nil when it is not hex of even length.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        case 0x41...0x46: digit - 0x41 + 10
        default: nil
        }
    }
}
