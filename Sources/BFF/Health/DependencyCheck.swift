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
        /// Why it is down or not configured; safe to show (no secrets, no URLs with credentials).
        public var detail: String?

        public init(_ status: Status, detail: String? = nil) {
            self.status = status
            self.detail = detail
        }
    }

    /// `redis`, `postgres`, or an upstream's name (`stripe`, `whmcs`, `salesforce`, `sim`, `supplier`).
    public let name: String
    /// Which implementation is checked: `redis`, `postgres`, `memory`, `http`, `none`.
    public let backend: String
    /// A required dependency that is not up makes `/ready` answer 503.
    public let required: Bool
    public let run: @Sendable () async -> Result

    public init(name: String, backend: String, required: Bool, run: @escaping @Sendable () async -> Result) {
        self.name = name
        self.backend = backend
        self.required = required
        self.run = run
    }
}

extension DependencyCheck {
    /// An in-process memory backend: always reachable.
    static func memory(_ name: String) -> DependencyCheck {
        DependencyCheck(name: name, backend: "memory", required: true) { Result(.up) }
    }

    /// `PING` through the pool. While Redis is down the pool fails fast, so this answers quickly.
    static func redis(_ pool: RedisPool) -> DependencyCheck {
        DependencyCheck(name: "redis", backend: "redis", required: true) {
            do {
                let reply = try await pool.send("PING")
                guard reply.string == "PONG" else {
                    return Result(.down, detail: "unexpected PING reply \(reply)")
                }
                return Result(.up)
            } catch {
                return Result(.down, detail: "\(error)")
            }
        }
    }

    /// `SELECT 1` through the PostgreSQL pool (which must be running as a service).
    static func postgres(_ client: PostgresClient) -> DependencyCheck {
        DependencyCheck(name: "postgres", backend: "postgres", required: true) {
            do {
                let rows = try await client.query("SELECT 1 AS ok")
                for try await value in rows.decode(Int.self) where value == 1 {
                    return Result(.up)
                }
                return Result(.down, detail: "SELECT 1 returned no row")
            } catch let error as PSQLError {
                // The server's message ("password authentication failed for user …") names no secret.
                let reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
                return Result(.down, detail: reason)
            } catch {
                return Result(.down, detail: "\(error)")
            }
        }
    }

    /// A live upstream, probed over HTTP. Not required: one upstream being down degrades the features that
    /// use it (their sections report the failure) but must not take every Atrium instance out of rotation.
    /// Results are reused for 5 s so a busy `/ready` poller cannot turn into load on the upstream.
    static func upstream(_ probe: UpstreamProbe, backend: String = "http") -> DependencyCheck {
        let cache = NIOLockedValueBox<(at: ContinuousClock.Instant, result: Result)?>(nil)
        return DependencyCheck(name: probe.upstream.rawValue, backend: backend, required: false) {
            if let cached = cache.withLockedValue({ $0 }), ContinuousClock.now - cached.at < .seconds(5) {
                return cached.result
            }
            let result: Result =
                switch await probe.probe() {
                case .reachable(let status): Result(.up, detail: "HTTP \(status)")
                case .unreachable(let reason): Result(.down, detail: reason)
                }
            cache.withLockedValue { $0 = (.now, result) }
            return result
        }
    }

    /// An upstream with nothing to probe.
    static func notConfigured(_ upstream: UpstreamID, detail: String) -> DependencyCheck {
        DependencyCheck(name: upstream.rawValue, backend: "none", required: false) {
            Result(.notConfigured, detail: detail)
        }
    }
}
