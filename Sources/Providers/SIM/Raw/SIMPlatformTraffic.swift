/// `mvno/getTrafficInfo`: the data usage of one line in the current billing month.
package struct SIMPlatformTraffic: Decodable, Sendable, Hashable {
    package let msisdn: String
    package let planCode: String?
    /// Bytes used this month, a decimal string.
    package let usedBytes: String
    /// The plan's allowance in bytes, a decimal string; `""` on an unlimited plan.
    package let quotaBytes: String
    /// First day of the billing month, `yyyyMMdd` in JST.
    package let periodStart: String
    /// Last day of the billing month (inclusive), `yyyyMMdd` in JST.
    package let periodEnd: String
    package let measuredAt: String?
}

package struct SIMPlatformTrafficResponse: Decodable, Sendable {
    package let traffic: SIMPlatformTraffic
}
