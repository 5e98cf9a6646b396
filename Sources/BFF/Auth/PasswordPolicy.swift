/// What a new password must satisfy (NIST SP 800-63B): a length range, no composition rules, and not a
/// well-known password.
///
/// Length is counted in `Character`s (user-perceived characters, extended grapheme clusters), so "é" typed as one
/// or two scalars counts as one and an emoji counts as one: the rule matches what the user sees. Because one
/// grapheme cluster can hold any number of scalars, the UTF-8 size is capped too (``maxBytes``), so the cap on
/// the work done per password holds whatever the input.
public enum PasswordPolicy {
    public static let minCharacters = 8
    public static let maxCharacters = 256
    /// Four bytes per character on average at the longest: more than any real passphrase needs.
    public static let maxBytes = 1024

    /// Checks a new password (registration, password change).
    ///
    /// The length is checked first and costs at most a scan of ``maxBytes`` bytes, so an over-long password is
    /// refused before it is hashed or even fully counted.
    /// - Throws: A 400 ``Problem`` of kind `urn:atrium:problem:validation` whose detail names the rule. The detail
    ///   never repeats the password.
    public static func validate(_ password: String) throws {
        try refuseOverlong(password)
        if password.count < minCharacters {
            throw Problem.authInvalid("The password must be at least \(minCharacters) characters long.")
        }
        let folded = password.lowercased()
        if blocklist.contains(folded) {
            throw Problem.authInvalid("The password is too common; choose one that is not on lists of well-known passwords.")
        }
    }

    /// Refuses a password longer than the policy allows, before anything hashes it (login uses this alone: an
    /// input that cannot be any account's password is not worth a bcrypt run).
    static func refuseOverlong(_ password: String) throws {
        // The byte count is O(1) for native strings and bounds the character count that follows.
        if password.utf8.count > maxBytes || password.count > maxCharacters {
            throw Problem.authInvalid("The password must be at most \(maxCharacters) characters long.")
        }
    }

    /// Common passwords of 8 or more characters (shorter ones fail the length rule anyway), compared
    /// case-insensitively. A deliberately small list; deployments with stricter needs check a breach corpus.
    static let blocklist: Set<String> = [
        "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
        "12345678", "123456789", "1234567890", "12345678910", "87654321", "11111111", "00000000", "99999999",
        "123123123", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "qwertyuiop", "qwerty123", "qwerty12", "qwertyui",
        "asdfghjkl", "zxcvbnm1", "abcd1234", "abc12345", "abcdefgh", "iloveyou", "iloveyou1", "sunshine",
        "princess", "football", "baseball", "superman", "trustno1", "welcome1", "welcome123", "letmein1",
        "letmein123", "admin123", "administrator", "changeme", "changeme123", "starwars", "whatever",
        "dragon123", "monkey123", "computer", "internet", "michelle", "jennifer", "passpass", "atrium123",
    ]
}
