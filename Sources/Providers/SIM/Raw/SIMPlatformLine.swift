/// A line object as the SIM platform sends it in `master/getAcnt`, `master/getLine` and webhooks.
///
/// All values are strings; an absent value is `""` (fixtures/upstream/sim/README.md §3).
package struct SIMPlatformLine: Decodable, Sendable, Hashable {
    /// The phone number in Japanese national form (`09012345678`): the line's id on the platform.
    package let msisdn: String
    package let iccid: String
    package let account: String
    package let planCode: String
    /// `reserved`, `registered`, `active`, `suspended`, `terminated` or `returned`.
    package let status: String
    /// The operation running on the line, `""` when unlocked.
    package let lockedBy: String
}

/// `master/getAcnt`: an account's detail with its lines.
package struct SIMPlatformAccountResponse: Decodable, Sendable {
    package struct Account: Decodable, Sendable {
        package let accountId: String
        package let accountName: String?
        package let lines: [SIMPlatformLine]
    }

    package let account: Account
}

/// `master/getLine`: one line.
package struct SIMPlatformLineResponse: Decodable, Sendable {
    package let line: SIMPlatformLine
}
