import BFF
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import RedisClient
import TestSupport
import Testing

/// `/ready` against the real Redis and PostgreSQL of README's test command, and Redis going away and back.
@Suite("Readiness with live backends")
struct ReadinessLiveTests {
    static let logger = Logger(label: "test")

    func liveConfig() throws -> AtriumConfig {
        var config = AtriumConfig()
        config.redis = try TestEnv.redis
        config.database = try TestEnv.database
        return config
    }

    @Test func readyWhenRedisAndPostgresAnswer() async throws {
        let app = try await buildApplication(config: try liveConfig(), logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                let report = try JSONDecoder().decode(ReadyBody.self, from: Data(String(buffer: response.body).utf8))
                #expect(response.status == .ok, "\(report.checks.map { "\($0.name)=\($0.status) \($0.detail ?? "")" })")
                #expect(report.checks.first { $0.name == "redis" }?.backend == "redis")
                #expect(report.checks.first { $0.name == "postgres" }?.backend == "postgres")
                #expect(report.checks.filter(\.required).allSatisfy { $0.status == "up" })
            }
        }
    }

    @Test func notReadyNamesTheFailingDependency() async throws {
        var config = try liveConfig()
        config.redis = RedisConfiguration(host: "127.0.0.1", port: try freeLoopbackPort())
        let app = try await buildApplication(config: config, logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let report = try JSONDecoder().decode(ReadyBody.self, from: Data(String(buffer: response.body).utf8))
                #expect(report.status == "not_ready")
                #expect(report.failing == ["redis"])
                #expect(report.checks.first { $0.name == "postgres" }?.status == "up")
            }
        }
    }

    @Test func unreachablePostgresIsNamedToo() async throws {
        var config = try liveConfig()
        config.database?.port = try freeLoopbackPort()
        let app = try await buildApplication(config: config, logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let report = try JSONDecoder().decode(ReadyBody.self, from: Data(String(buffer: response.body).utf8))
                #expect(report.failing == ["postgres"])
            }
        }
    }

    @Test func followsRedisGoingDownAndComingBack() async throws {
        let server = try RedisServerProcess()
        try server.start()
        var config = try liveConfig()
        config.redis = try RedisConfiguration(url: server.url)
        let app = try await buildApplication(config: config, logger: Self.logger)
        try await app.test(.router) { client in
            func readyStatus() async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/ready", method: .get) { $0.status }
            }
            #expect(try await readyStatus() == .ok)
            server.kill()
            #expect(try await waitFor(.serviceUnavailable, within: .seconds(10), readyStatus))
            try server.start()
            #expect(try await waitFor(.ok, within: .seconds(10), readyStatus))
        }
        server.kill()
    }

    @Test func postgresNIOTalksToTheTestDatabase() async throws {
        let client = PostgresClient(configuration: .init(try TestEnv.database), backgroundLogger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let rows = try await client.query("SELECT version(), \(42)::int8, current_user")
            var seen = 0
            for try await (version, answer, user) in rows.decode((String, Int, String).self) {
                #expect(version.hasPrefix("PostgreSQL"))
                #expect(answer == 42)
                #expect(user == (try TestEnv.database).username)
                seen += 1
            }
            #expect(seen == 1)
            group.cancelAll()
        }
    }
}

/// Polls until `probe` returns `expected` or `limit` passes.
func waitFor(
    _ expected: HTTPResponse.Status,
    within limit: Duration,
    _ probe: () async throws -> HTTPResponse.Status
) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await probe() == expected { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}
