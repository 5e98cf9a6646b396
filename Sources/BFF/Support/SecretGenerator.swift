import Crypto
import Foundation

/// Random secrets for the embedded default (JWT key, pepper) and for tokens: URL-safe base64 of system random bytes.
public enum SecretGenerator {
    public static func random(bytes count: Int) -> String {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: count * 8))
        return key.withUnsafeBytes { Base64URL.encode($0) }
    }
}
