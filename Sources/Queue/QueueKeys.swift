/// A validated queue name: lowercase letters, digits, `-` and `_`, 1 to 64 characters.
///
/// The restriction keeps names safe inside a Redis hash tag (no `{` or `}`) and in metric labels.
public struct QueueName: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) throws(QueueError) {
        let allowed = rawValue.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard allowed, (1...64).contains(rawValue.utf8.count) else {
            throw QueueError(.invalidQueueName, "queue names are 1-64 characters of a-z, 0-9, '-' and '_'")
        }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}

/// Every Redis key of one queue, built in this one place.
///
/// All keys share the hash tag `{<queue>}`, so every key a Lua script touches lives in one Redis Cluster slot
/// and the queue runs unchanged on a cluster. `prefix` lets tests give each run its own keyspace.
public struct QueueKeys: Sendable, Hashable {
    public let queue: QueueName
    public let prefix: String

    public init(queue: QueueName, prefix: String = "atrium") {
        self.queue = queue
        self.prefix = prefix
    }

    /// `<prefix>:{<queue>}:<kind>`.
    public func key(_ kind: Kind) -> String {
        "\(prefix):{\(queue.rawValue)}:\(kind.rawValue)"
    }

    /// The hash of one job: `<prefix>:{<queue>}:job:<id>`.
    public func job(_ id: String) -> String {
        "\(prefix):{\(queue.rawValue)}:job:\(id)"
    }

    public enum Kind: String, Sendable, CaseIterable {
        case waiting, active, delayed, completed, dead, events, meta
        /// The doorbell: a list holding at most one element, pushed when a job becomes waiting and popped by an
        /// idle worker blocked on it (`BLPOP`), so idle workers start new jobs without polling for them.
        case notify
        /// Repeatable jobs: a zset of schedule keys by next tick, and a hash of their definitions.
        case repeats, repeatDefinitions = "repeat-definitions"
    }
}
