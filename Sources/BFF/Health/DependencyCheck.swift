import Domain
import NIOCore
import PostgresNIO
import Providers
import RedisClient
import NIOConcurrencyHelpers

/// One dependency as `/ready` reports it.
public struct DependencyCheck: Sendable {
    public enum Status: String, Sendable, Codable {
        case up
        case down
        /// Nothing to check: the dependency is not configured in this mode.
        case notConfigured = "not_configured"
    }

    public struct Result: Sendable {
        public var status: Status
        /// Which implementation answered: `redis`, `memory`, `postgres`, `http`, `sandbox`.
        public var backend: String
        /// Why it is down or not configured; safe to show (no secrets, no URLs with credentials).
        public var detail: String?
    }

    /// `redis`, `postgres`, or an upstream's name (`stripe`, `whmcs`, `salesforce`, `sim`, `supplier`).
    public let name: String
    /// A required dependency that is not up makes `/ready` answer 503.
    public let required: Bool
    public let run: @Sendable () async -> Result

    public init(name: String, required: Bool, run: @escaping @Sendable () async -> Result) {
        self.name = name
        self.required = required
        self.run = run
    }
}

extension DependencyCheck {
    /// An in-process memory backend: always reachable.
    static func memory(_ name: String) -> DependencyCheck {
        DependencyCheck(name: name, required: true) { Result(status: .up, backend: "memory") }
    }

    /// `PING` through the pool. While Redis is down the pool fails fast, so this answers quickly.
    static func redis(_ pool: RedisPool) -> DependencyCheck {
        DependencyCheck(name: "redis", required: true) {
            do {
                let reply = try await pool.send("PING")
                guard reply.string == "PONG" else {
                    return Result(status: .down, backend: "redis", detail: "unexpected PING reply \(reply)")
                }
                return Result(status: .up, backend: "redis")
            } catch {
                return Result(status: .down, backend: "redis", detail: "\(error)")
            }
        }
    }

    /// `SELECT 1` through the PostgreSQL pool (which must be running as a service).
    static func postgres(_ client: PostgresClient) -> DependencyCheck {
        DependencyCheck(name: "postgres", required: true) {
            do {
                let rows = try await client.query("SELECT 1 AS ok")
                for try await value in rows.decode(Int.self) where value == 1 {
                    return Result(status: .up, backend: "postgres")
                }
                return Result(status: .down, backend: "postgres", detail: "SELECT 1 returned no row")
            } catch let error as PSQLError {
                return Result(status: .down, backend: "postgres", detail: "\(error.code)")
            } catch {
                return Result(status: .down, backend: "postgres", detail: "\(error)")
            }
        }
    }

    /// A live upstream, probed over HTTP. Not required: one upstream being down degrades the features that
    /// use it (their sections report the failure) but must not take every Atrium instance out of rotation.
    /// Results are reused for 5 s so a busy `/ready` poller cannot turn into load on the upstream.
    static func upstream(_ probe: UpstreamProbe) -> DependencyCheck {
        let cache = NIOLockedValueBox<(at: ContinuousClock.Instant, result: Result)?>(nil)
        return DependencyCheck(name: probe.upstream.rawValue, required: false) {
            if let cached = cache.withLockedValue({ $0 }), ContinuousClock.now - cached.at < .seconds(5) {
                return cached.result
            }
            let result: Result =
                switch await probe.probe() {
                case .reachable(let status): Result(status: .up, backend: "http", detail: "HTTP \(status)")
                case .unreachable(let reason): Result(status: .down, backend: "http", detail: reason)
                }
            cache.withLockedValue { $0 = (.now, result) }
            return result
        }
    }

    /// An upstream with nothing to probe.
    static func notConfigured(_ upstream: UpstreamID, detail: String) -> DependencyCheck {
        DependencyCheck(name: upstream.rawValue, required: false) {
            Result(status: .notConfigured, backend: "none", detail: detail)
        }
    }
}
