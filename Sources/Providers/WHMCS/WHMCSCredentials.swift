/// The API credentials of a WHMCS installation (Setup > Staff Management > Manage API Credentials).
///
/// Sent as the `identifier` and `secret` form fields of every call; never logged.
public struct WHMCSCredentials: Sendable, Hashable {
    public var identifier: String
    public var secret: String

    public init(identifier: String, secret: String) {
        self.identifier = identifier
        self.secret = secret
    }
}

extension WHMCSCredentials: CustomStringConvertible {
    public var description: String { "WHMCSCredentials(identifier: <redacted>, secret: <redacted>)" }
}
