/// The envelope of every SIM platform response: a result code and a status object.
///
/// `resultCode` `"100"` is success; anything else is an error whatever the HTTP status
/// (fixtures/upstream/sim/README.md §1, §5).
package struct SIMPlatformEnvelope: Decodable, Sendable, Hashable {
    package struct Status: Decodable, Sendable, Hashable {
        package let message: String?
        package let statusCode: String?
    }

    package let resultCode: String
    package let status: Status?
    /// On `240` (line locked): the operation holding the lock.
    package let lockedBy: String?

    /// The platform's success code.
    package static let success = "100"
}
