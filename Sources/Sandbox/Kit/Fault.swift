/// A failure the sandbox injects into the calls of one operation, as real upstreams fail.
public enum Fault: Sendable, Hashable, Codable {
    /// Answers normally, but only after this long.
    case latency(milliseconds: Int)
    /// Answers this status with this body (the upstream's own error shape when given, else a generic JSON).
    case status(Int, body: String?)
    /// Answers `429` with `Retry-After: seconds`.
    case rateLimited(retryAfterSeconds: Int)
    /// Answers `200` with well-formed JSON of the wrong shape.
    case malformedBody
    /// Answers `200` with the first half of the real body.
    case truncatedBody
    /// Never answers (until the sandbox stops, at most ``SandboxControl/hangLimit``).
    case hang
}

/// Where a fault applies: an operation name (`"GET /v1/invoices"`, `"GetInvoices"`), a prefix ending in `*`,
/// or `"*"` for every call; for the next `times` matching calls, or until cleared when `times` is `nil`.
public struct FaultRule: Sendable, Hashable, Codable {
    public var operation: String
    public var fault: Fault
    public var times: Int?

    public init(_ operation: String, _ fault: Fault, times: Int? = nil) {
        self.operation = operation
        self.fault = fault
        self.times = times
    }

    func matches(_ name: String) -> Bool {
        if operation == "*" || operation == name { return true }
        if operation.hasSuffix("*") { return name.hasPrefix(operation.dropLast()) }
        return false
    }
}
