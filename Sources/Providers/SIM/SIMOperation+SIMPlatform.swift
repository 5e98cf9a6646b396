package import Domain

extension SIMOperation {
    /// Maps a platform operation object: kind `changePlan` → ``SIMOperation/Kind/planChange``, status
    /// `accepted` → pending, `processing` → running, `completed` → succeeded, `failed` → failed; an empty
    /// `errorCode`/`errorMessage` is `nil`.
    ///
    /// - Parameters:
    ///   - raw: The decoded operation object.
    ///   - path: Its JSON path, `$.operation` in every operation response.
    /// - Throws: `invalidPayload` naming the field for an empty id or line, or an unknown kind or status.
    package init(simPlatform raw: SIMPlatformOperation, path: String = "$.operation") throws(ProviderError) {
        guard !raw.operationId.isEmpty else { throw .invalidPayload(.sim, path: path + ".operationId", "empty operation id") }
        guard !raw.msisdn.isEmpty else { throw .invalidPayload(.sim, path: path + ".msisdn", "empty line") }
        guard let kind = Kind(simPlatform: raw.kind) else {
            throw .invalidPayload(.sim, path: path + ".kind", "unknown operation kind")
        }
        guard let status = Status(simPlatform: raw.status) else {
            throw .invalidPayload(.sim, path: path + ".status", "unknown operation status")
        }
        self.init(
            id: raw.operationId,
            kind: kind,
            lineID: raw.msisdn,
            status: status,
            errorCode: raw.errorCode.flatMap { $0.isEmpty ? nil : $0 },
            errorMessage: raw.errorMessage.flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}

extension SIMOperation.Kind {
    package init?(simPlatform kind: String) {
        switch kind {
        case "allocate": self = .allocate
        case "configure": self = .configure
        case "activate": self = .activate
        case "verify": self = .verify
        case "changePlan": self = .planChange
        case "release": self = .release
        case "deactivate": self = .deactivate
        default: return nil
        }
    }
}

extension SIMOperation.Status {
    package init?(simPlatform status: String) {
        switch status {
        case "accepted": self = .pending
        case "processing": self = .running
        case "completed": self = .succeeded
        case "failed": self = .failed
        default: return nil
        }
    }
}
