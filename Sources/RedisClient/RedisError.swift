/// An error from the Redis client.
///
/// `description` is safe to log: it never contains command arguments or reply payloads, only the
/// server's error message (which names a command or a type, never a value) or the client's own reason.
public struct RedisError: Error, Sendable, Hashable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case server, connectionFailed, unavailable, connectionClosed, timeout, protocolError, unexpectedReply, poolClosed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Redis answered with an error reply (`-ERR …`, `-WRONGTYPE …`, `-NOSCRIPT …`).
        public static let server = Code(.server)
        /// A TCP connect, AUTH or SELECT failed.
        public static let connectionFailed = Code(.connectionFailed)
        /// Redis was unreachable recently and the pool is waiting before it tries again; fails fast.
        public static let unavailable = Code(.unavailable)
        /// The connection closed before the reply arrived.
        public static let connectionClosed = Code(.connectionClosed)
        /// No reply within the command timeout; the connection is closed, since replies would no longer line up.
        public static let timeout = Code(.timeout)
        /// The bytes from the server were not valid RESP; the connection is closed.
        public static let protocolError = Code(.protocolError)
        /// A reply of a type the caller did not expect.
        public static let unexpectedReply = Code(.unexpectedReply)
        /// The pool was closed.
        public static let poolClosed = Code(.poolClosed)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The server's message for `.server` (for example `WRONGTYPE Operation against a key holding the wrong kind of value`),
    /// else the client's reason.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The first word of a server error (`ERR`, `WRONGTYPE`, `NOSCRIPT`, `NOAUTH`, …), or nil for client-side errors.
    public var serverErrorPrefix: String? {
        guard code == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }
}

extension RedisError: CustomStringConvertible {
    public var description: String { "redis \(code): \(message)" }
}
