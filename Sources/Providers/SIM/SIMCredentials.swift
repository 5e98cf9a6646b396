/// The OEM credentials of the SIM platform's `authOem` call.
public struct SIMCredentials: Sendable, Hashable, CustomStringConvertible {
    public var oemID: String
    public var oemKey: String

    public init(oemID: String, oemKey: String) {
        self.oemID = oemID
        self.oemKey = oemKey
    }

    /// Never shows the key.
    public var description: String { "SIMCredentials(oemID: \(oemID), oemKey: <redacted>)" }
}
