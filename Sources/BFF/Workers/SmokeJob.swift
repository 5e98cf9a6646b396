import Foundation
public import Queue
public import RedisClient

/// The operator's self-test job (`atrium queue smoke`): each run records itself in a Redis hash, so the smoke
/// command can count jobs completed, lost and run more than once. A poison smoke job always fails.
public enum SmokeJob {
    public static let name = "smoke"

    public struct Payload: Codable, Sendable {
        public let run: String
        public let index: Int
        public let poison: Bool

        public init(run: String, index: Int, poison: Bool) {
            self.run = run
            self.index = index
            self.poison = poison
        }
    }

    /// The hash where run `run` records executions: field = job index, value = times it ran.
    public static func runsKey(_ run: String, prefix: String) -> String { "\(prefix):smoke:\(run)" }

    public struct PoisonError: Error, CustomStringConvertible {
        public var description: String { "poison smoke job: fails on purpose" }
    }

    /// The handler registered by `atrium worker` on every queue it serves.
    public static func handler(pool: RedisPool, prefix: String) -> JobWorker.Handler {
        { context in
            let payload: Payload = try context.payload()
            if payload.poison { throw PoisonError() }
            let key = runsKey(payload.run, prefix: prefix)
            _ = try await pool.pipeline([RedisCommand("HINCRBY", key, String(payload.index), 1), RedisCommand("EXPIRE", key, 3600)])
        }
    }
}
