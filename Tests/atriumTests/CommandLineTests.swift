import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// The built `atrium` binary, run as an operator would.
@Suite("atrium command line")
struct CommandLineTests {
    @Test(arguments: [
        (["ATRIUM_PORT": "abc"], "ATRIUM_PORT"),
        (["REDIS_URL": "ftp://x"], "REDIS_URL"),
        (["DATABASE_URL": "postgres://app:topsecretpw@/atrium"], "DATABASE_URL"),
    ])
    func badConfigurationExitsWithCode2AndOneLine(_ env: [String: String], _ variable: String) throws {
        let result = try AtriumProcess.run(["serve"], environment: env)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\(variable):") == true, "\(result.stderr)")
        #expect(!result.stderr.contains("topsecretpw") && !result.stdout.contains("topsecretpw"))
    }

    @Test func helpListsEverySubcommand() throws {
        let result = try AtriumProcess.run(["--help"], environment: [:])
        #expect(result.status == 0)
        for name in ["serve", "worker", "migrate", "sandbox", "queue", "bench", "user"] {
            #expect(result.stdout.contains(name), "\(name) missing from help")
        }
    }

    /// Start on a free port, answer /health, log JSON with request ids, exit 0 on SIGTERM.
    @Test(arguments: [SIGTERM, SIGINT])
    func serveAnswersAndStopsGracefully(_ signal: Int32) async throws {
        let port = try freeLoopbackPort()
        let server = try AtriumProcess.start(["serve"], environment: ["ATRIUM_PORT": "\(port)"])
        defer { server.forceStop() }
        try await server.waitForOutput(containing: "atrium listening", within: .seconds(20))

        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == #"{"status":"ok"}"#)

        let status = try await server.stop(signal: signal, within: .seconds(10))
        #expect(status == 0)
        let records = server.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(records.count == server.stdout.split(separator: "\n").count, "every stdout line is JSON")
        #expect(records.allSatisfy { $0["timestamp"] is String && $0["level"] is String && $0["message"] is String })
        let access = records.first { $0["message"] as? String == "request" }
        #expect(access?["request_id"] is String)
        #expect(access?["http.route"] as? String == "/health")
    }
}
