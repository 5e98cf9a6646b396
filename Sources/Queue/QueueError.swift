/// An error from the job queue, with an extensible code (adding one breaks no `switch`).
public struct QueueError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidQueueName, leaseLost, notFound, wrongState, backend, invalidReply
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let invalidQueueName = Code(.invalidQueueName)
        /// The caller no longer holds the job: its lease expired and the job was recovered, or it was removed.
        public static let leaseLost = Code(.leaseLost)
        public static let notFound = Code(.notFound)
        /// The job is not in the state the operation needs (retrying a job that is not dead, say).
        public static let wrongState = Code(.wrongState)
        /// Redis failed (unreachable, error reply).
        public static let backend = Code(.backend)
        /// A script answered something it never answers.
        public static let invalidReply = Code(.invalidReply)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "queue \(code): \(message)" }

    /// The one table from script result codes to errors, the same for every backend (BullMQ's error-code.ts).
    /// Scripts return 0 or a positive value on success and these negative codes on refusal.
    static func fromScript(_ code: Int64, jobID: String) -> QueueError? {
        switch code {
        case -1: notFound(jobID)
        case -2: leaseLost(jobID)
        case -3: wrongState(jobID)
        default: nil
        }
    }

    static func notFound(_ jobID: String) -> QueueError { QueueError(.notFound, "job \(jobID) does not exist") }
    static func leaseLost(_ jobID: String) -> QueueError { QueueError(.leaseLost, "job \(jobID) is no longer held by this worker") }
    static func wrongState(_ jobID: String) -> QueueError { QueueError(.wrongState, "job \(jobID) is not in the state this operation needs") }
}
