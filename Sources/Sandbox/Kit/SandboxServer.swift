import Domain
import Foundation
public import Hummingbird
public import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Runs one sandbox upstream on a loopback port (0 picks a free one) until ``stop()``.
///
/// Besides the upstream's API it serves the control routes, for use from outside the process:
/// `GET/DELETE /_sandbox/calls`, `POST /_sandbox/faults` (a ``FaultRule`` as JSON), `DELETE /_sandbox/faults`,
/// `PUT /_sandbox/webhook` (`{"url": …}`), `GET /_sandbox/webhooks` (deliveries).
public final class SandboxServer: Sendable {
    public let upstream: any SandboxUpstream
    public let port: Int
    public let baseURL: String
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    private init(upstream: any SandboxUpstream, port: Int, host: String, task: Task<Void, any Error>, group: ServiceGroup) {
        self.upstream = upstream
        self.port = port
        self.baseURL = "http://\(host):\(port)"
        self.task = task
        self.group = group
    }

    public var control: SandboxControl { upstream.control }

    /// Starts the server and returns once it listens.
    ///
    /// - Throws: when it cannot bind (the port is taken).
    public static func start(
        _ upstream: any SandboxUpstream,
        host: String = "127.0.0.1",
        port: Int = 0,
        logger: Logger = Logger(label: "atrium.sandbox")
    ) async throws -> SandboxServer {
        let router = buildRouter(upstream)
        let bound = NIOLockedValueBox<CheckedContinuation<Int, any Error>?>(nil)
        let task = NIOLockedValueBox<(Task<Void, any Error>, ServiceGroup)?>(nil)
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            bound.withLockedValue { $0 = continuation }
            var appLogger = logger
            appLogger[metadataKey: "upstream"] = "\(upstream.upstream.rawValue)"
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: "atrium-sandbox-\(upstream.upstream.rawValue)"),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? 0
                    bound.withLockedValue { $0?.resume(returning: port); $0 = nil }
                },
                logger: appLogger
            )
            let group = ServiceGroup(configuration: .init(services: [.init(service: app)], logger: appLogger))
            task.withLockedValue {
                $0 = (Task {
                    do {
                        try await group.run()
                    } catch {
                        bound.withLockedValue { $0?.resume(throwing: error); $0 = nil }
                        throw error
                    }
                    bound.withLockedValue { $0?.resume(throwing: CancellationError()); $0 = nil }
                }, group)
            }
        }
        guard let (running, group) = task.withLockedValue({ $0 }) else { throw CancellationError() }
        return SandboxServer(upstream: upstream, port: port, host: host, task: running, group: group)
    }

    /// Stops the server gracefully: hanging requests are released, in-flight ones finish, then it closes.
    public func stop() async {
        upstream.control.stop()
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// The upstream's routes wrapped in call recording and fault injection, plus the control routes.
    public static func buildRouter(_ upstream: any SandboxUpstream) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SandboxFaultMiddleware(upstream: upstream))
        let control = upstream.control
        let sandbox = router.group("_sandbox")
        sandbox.get("calls") { _, _ in Encoded(control.calls()) }
        sandbox.delete("calls") { _, _ in control.resetCalls(); return HTTPResponse.Status.noContent }
        sandbox.post("faults") { request, context in
            let rule = try await request.decode(as: FaultRule.self, context: context)
            control.inject(rule)
            return HTTPResponse.Status.noContent
        }
        sandbox.delete("faults") { _, _ in control.clearFaults(); return HTTPResponse.Status.noContent }
        sandbox.put("webhook") { request, context in
            struct Target: Decodable { let url: String? }
            control.webhookURL = try await request.decode(as: Target.self, context: context).url
            return HTTPResponse.Status.noContent
        }
        sandbox.get("webhooks") { _, _ in Encoded(control.deliveries) }
        upstream.addRoutes(to: router)
        return router
    }
}

/// Any `Encodable` as a JSON response.
struct Encoded<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value
    init(_ value: Value) { self.value = value }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
