/// An error from the job queue, with an extensible code (adding one breaks no `switch`).
public struct QueueError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable { case invalidQueueName }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let invalidQueueName = Code(.invalidQueueName)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "queue \(code): \(message)" }
}
