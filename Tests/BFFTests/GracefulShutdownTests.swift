import AsyncHTTPClient
import BFF
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    /// The server stops accepting on shutdown but lets a request already in flight finish with its response.
    @Test func inFlightRequestFinishes() async throws {
        let logger = Logger(label: "test")
        let router = buildRouter(health: HealthController(checks: []))
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        router.get("slow") { _, _ -> String in
            startedContinuation.yield()
            try await Task.sleep(for: .milliseconds(500))
            return "finished"
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = portStream.makeAsyncIterator()
            let port = try #require(await ports.next())

            let request = Task {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/slow"), timeout: .seconds(5))
                return (response.status.code, String(buffer: try await response.body.collect(upTo: 1024)))
            }
            // Shut down only once the request is inside its handler: an accepted connection with no request
            // yet is idle, and closing idle connections is exactly what a graceful shutdown should do.
            var startedIterator = started.makeAsyncIterator()
            _ = await startedIterator.next()
            await group.triggerGracefulShutdown()
            let (status, body) = try await request.value
            #expect(status == 200)
            #expect(body == "finished")
            try await tasks.waitForAll()
        }
    }
}
