/// A refresh-token store failure a caller can act on.
public struct RefreshTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable {
        private enum Base: Hashable { case familyRefused, unexpectedReply }
        private let base: Base
        /// A new family could not be created: its id exists, or it was revoked while being created
        /// (a concurrent "revoke all sessions").
        public static let familyRefused = Code(base: .familyRefused)
        /// The backend answered something the store does not understand.
        public static let unexpectedReply = Code(base: .unexpectedReply)
    }

    public let code: Code
    /// Safe to log: never holds a token or a hash.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "RefreshTokenError(\(detail))" }
}
