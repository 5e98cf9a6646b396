/// How many runs a job gets and how long to wait between them.
public struct RetryPolicy: Sendable, Hashable {
    public var attempts: Int
    public var backoff: Backoff

    public init(attempts: Int, backoff: Backoff) {
        self.attempts = max(1, attempts)
        self.backoff = backoff
    }

    /// PRODUCT.md's default: 3 attempts, 1 s → 30 s exponential with jitter.
    public static let standard = RetryPolicy(attempts: 3, backoff: .exponential(base: .seconds(1), cap: .seconds(30)))
    /// Critical jobs: 5 attempts, 500 ms → 60 s.
    public static let critical = RetryPolicy(attempts: 5, backoff: .exponential(base: .milliseconds(500), cap: .seconds(60)))
    /// Non-critical jobs: 2 attempts, 2 s → 10 s.
    public static let nonCritical = RetryPolicy(attempts: 2, backoff: .exponential(base: .seconds(2), cap: .seconds(10)))
}

public enum Backoff: Sendable, Hashable {
    case fixed(Duration)
    /// Full jitter: a uniform delay in [0, min(cap, base × 2^(failure-1))].
    case exponential(base: Duration, cap: Duration)

    /// The delay before the run after the `failure`-th failure (1-based).
    public func delay(afterFailure failure: Int, random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) -> Duration {
        switch self {
        case .fixed(let delay):
            return delay
        case .exponential(let base, let cap):
            let exponent = min(max(failure - 1, 0), 30)
            let ceiling = min(base * (1 << exponent), cap)
            let millis = ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000
            return .milliseconds(random(0...max(0, millis)))
        }
    }
}

extension Backoff {
    /// `fixed:<ms>` or `exp:<base ms>:<cap ms>`, as stored with the job.
    var encoded: String {
        switch self {
        case .fixed(let delay): "fixed:\(delay.milliseconds)"
        case .exponential(let base, let cap): "exp:\(base.milliseconds):\(cap.milliseconds)"
        }
    }

    init?(encoded: String) {
        self.init(encoded: Array(encoded.utf8))
    }

    /// Parses `fixed:<ms>` or `exp:<base ms>:<cap ms>` straight from a reply's bytes (every claimed job carries
    /// one), without making strings.
    init?(encoded bytes: [UInt8]) {
        let colon = UInt8(ascii: ":")
        guard let first = bytes.firstIndex(of: colon) else { return nil }
        let kind = bytes[..<first]
        let rest = bytes[(first + 1)...]
        if kind.elementsEqual("fixed".utf8) {
            guard let delay = Job.int64(rest) else { return nil }
            self = .fixed(.milliseconds(delay))
        } else if kind.elementsEqual("exp".utf8) {
            guard let second = rest.firstIndex(of: colon), let base = Job.int64(rest[..<second]),
                let cap = Job.int64(rest[(second + 1)...])
            else { return nil }
            self = .exponential(base: .milliseconds(base), cap: .milliseconds(cap))
        } else {
            return nil
        }
    }
}
