import BFF
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `/health`, `/ready`, problem bodies and request ids, through the router with the embedded default.
@Suite("Health, readiness and error contract")
struct HealthRoutesTests {
    static let logger = Logger(label: "test")
    /// For tests about the HTTP contract only: no upstreams, so no sandbox servers are started for them.
    static let noUpstreams = AtriumConfig(upstreams: .live([:]))

    @Test func healthAnswersOK() async throws {
        let app = try await buildApplication(config: Self.noUpstreams, logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                #expect(response.headers[.xRequestID]?.isEmpty == false)
            }
        }
    }

    @Test func readyListsEveryDependencyInTheEmbeddedDefault() async throws {
        let app = try await buildApplication(config: AtriumConfig(), logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let report = try JSONDecoder().decode(ReadyBody.self, from: Data(String(buffer: response.body).utf8))
                #expect(report.status == "ready")
                #expect(report.failing.isEmpty)
                #expect(report.checks.map(\.name) == ["redis", "postgres", "stripe", "whmcs", "salesforce", "sim", "supplier"])
                #expect(report.checks.first { $0.name == "redis" }?.backend == "memory")
                // The embedded default runs the five sandbox upstreams in-process; /ready probes them.
                let upstreams = report.checks.filter { !$0.required }
                #expect(upstreams.count == 5)
                #expect(upstreams.allSatisfy { $0.status == "up" && $0.backend == "sandbox" }, "\(upstreams)")
            }
        }
    }

    @Test func liveUpstreamsAreProbedButNotRequired() async throws {
        // Port 9 (discard) is closed on loopback: the SIM platform is down, the others are not configured.
        let config = try AtriumConfig(environment: ["ATRIUM_UPSTREAMS": "live", "SIM_API_URL": "http://127.0.0.1:9", "SIM_AUTH_KEY": "OEM-1:k"])
        let app = try await buildApplication(config: config, logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let report = try JSONDecoder().decode(ReadyBody.self, from: Data(String(buffer: response.body).utf8))
                let sim = try #require(report.checks.first { $0.name == "sim" })
                #expect(sim.status == "down" && sim.backend == "http" && !sim.required)
                #expect(report.checks.first { $0.name == "stripe" }?.status == "not_configured")
            }
        }
    }

    @Test func unknownRouteIsAProblem() async throws {
        let app = try await buildApplication(config: Self.noUpstreams, logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/nope?token=x", method: .get, headers: [.xRequestID: "trace-123"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.xRequestID] == "trace-123")
                let problem = try JSONDecoder().decode(ProblemBody.self, from: Data(String(buffer: response.body).utf8))
                #expect(problem.type == "urn:atrium:problem:not-found")
                #expect(problem.status == 404)
                #expect(problem.title == "Not Found")
                #expect(problem.instance == "/api/v1/nope")
                #expect(problem.request_id == "trace-123")
            }
        }
    }

    @Test(arguments: [
        "bad id with spaces", String(repeating: "a", count: 129), "evil\"quote", "semi;colon", "ünïcode",
    ])
    func insaneRequestIDsAreReplaced(_ incoming: String) async throws {
        let app = try await buildApplication(config: Self.noUpstreams, logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get, headers: [.xRequestID: incoming]) { response in
                let id = try #require(response.headers[.xRequestID])
                #expect(id != incoming)
                #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
            }
        }
    }

    @Test func saneRequestIDsAreEchoedAndFreshOnesAreUnique() async throws {
        let app = try await buildApplication(config: Self.noUpstreams, logger: Self.logger)
        try await app.test(.router) { client in
            let uuid = "6F9619FF-8B86-D011-B42D-00C04FC964FF"
            try await client.execute(uri: "/health", method: .get, headers: [.xRequestID: uuid]) { response in
                #expect(response.headers[.xRequestID] == uuid)
            }
            var seen: Set<String> = []
            for _ in 0..<20 {
                try await client.execute(uri: "/health", method: .get) { response in
                    seen.insert(response.headers[.xRequestID] ?? "")
                }
            }
            #expect(seen.count == 20)
        }
    }
}

struct ReadyBody: Decodable {
    struct Check: Decodable {
        let name: String
        let status: String
        let required: Bool
        let backend: String
        let detail: String?
    }
    let status: String
    let failing: [String]
    let checks: [Check]
}

struct ProblemBody: Decodable {
    let type: String
    let title: String
    let status: Int
    let instance: String
    let request_id: String
}
