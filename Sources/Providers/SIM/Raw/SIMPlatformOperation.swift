/// An asynchronous operation as the SIM platform reports it (fixtures/upstream/sim/README.md §3, §4).
package struct SIMPlatformOperation: Decodable, Sendable, Hashable {
    package let operationId: String
    /// `allocate`, `configure`, `activate`, `verify`, `changePlan`, `release` or `deactivate`.
    package let kind: String
    /// The line it runs on (for `allocate`: the line it reserved).
    package let msisdn: String
    package let account: String?
    /// `accepted`, `processing`, `completed` or `failed`.
    package let status: String
    package let requestId: String?
    package let acceptedAt: String?
    package let completedAt: String?
    /// The platform's error code once failed, `""` otherwise.
    package let errorCode: String?
    package let errorMessage: String?
}

/// `mvno/getOpStatus` and every mutation (`sim/*`, `mvno/changePlan`): one operation.
package struct SIMPlatformOperationResponse: Decodable, Sendable {
    package let operation: SIMPlatformOperation
}
