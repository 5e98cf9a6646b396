import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Providers
import Testing

/// The readiness probe against a real HTTP server on loopback and against a closed port.
@Suite("Upstream reachability probe")
struct UpstreamProbeTests {
    @Test func anyHTTPAnswerCountsAsReachable() async throws {
        let router = Router()
        router.head("/") { _, _ in HTTPResponse.Status.unauthorized }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }
        )
        try await app.test(.live) { _ in
            var ports = portStream.makeAsyncIterator()
            let port = try #require(await ports.next())
            let outcome = await UpstreamProbe(upstream: .stripe, baseURL: "http://127.0.0.1:\(port)/").probe()
            #expect(outcome == .reachable(status: 401))
        }
    }

    @Test func refusedConnectionIsUnreachable() async throws {
        // Port 9 on loopback: the discard service, never running on these machines.
        let outcome = await UpstreamProbe(upstream: .sim, baseURL: "http://127.0.0.1:9/", timeout: .seconds(2)).probe()
        guard case .unreachable(let reason) = outcome else {
            Issue.record("expected unreachable, got \(outcome)")
            return
        }
        #expect(!reason.isEmpty)
    }
}
