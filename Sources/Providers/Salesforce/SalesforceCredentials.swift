/// The connected app credentials of the OAuth 2.0 client-credentials flow.
///
/// Its description shows the client id only, so a logged value never carries the secret.
public struct SalesforceCredentials: Sendable, CustomStringConvertible {
    public var clientID: String
    public var clientSecret: String

    public init(clientID: String, clientSecret: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    public var description: String { "SalesforceCredentials(clientID: \(clientID), clientSecret: [redacted])" }
}
