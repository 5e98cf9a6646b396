import Foundation
public import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// Records every call of an upstream and applies the fault injected for its operation, if any.
public struct SandboxFaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let upstream: any SandboxUpstream

    public init(upstream: any SandboxUpstream) { self.upstream = upstream }

    public func handle(_ input: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if input.uri.path.hasPrefix("/_sandbox/") { return try await next(input, context) }
        var request = input
        let operation = try await upstream.operation(of: &request)
        let control = upstream.control
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        control.record(RecordedCall(
            operation: operation, method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
            headers: headers, at: Date()
        ))
        guard let fault = control.takeFault(for: operation) else { return try await next(request, context) }
        switch fault {
        case .latency(let milliseconds):
            try await Task.sleep(for: .milliseconds(milliseconds))
            return try await next(request, context)
        case .status(let status, let body):
            return Self.json(status: status, body: body ?? #"{"error":{"message":"sandbox fault"}}"#)
        case .rateLimited(let seconds):
            var response = Self.json(status: 429, body: #"{"error":{"message":"rate limited by the sandbox"}}"#)
            response.headers[.retryAfter] = String(seconds)
            return response
        case .malformedBody:
            return Self.json(status: 200, body: #"{"sandbox_fault":"malformed","items":"not what you expected"}"#)
        case .truncatedBody:
            let response = try await next(request, context)
            let full = try await Self.collect(response.body)
            var truncated = response
            truncated.body = ResponseBody(byteBuffer: full.getSlice(at: full.readerIndex, length: full.readableBytes / 2) ?? ByteBuffer())
            return truncated
        case .hang:
            let end = ContinuousClock.now + SandboxControl.hangLimit
            while ContinuousClock.now < end, !control.isStopping {
                try await Task.sleep(for: .milliseconds(50))
            }
            return Self.json(status: 503, body: #"{"error":{"message":"sandbox stopped while hanging"}}"#)
        }
    }

    static func json(status: Int, body: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let sink = Sink()
        try await body.write(CollectingWriter(sink: sink))
        return sink.buffer.withLockedValue { $0 }
    }

    final class Sink: Sendable {
        let buffer = NIOLockedValueBox(ByteBuffer())
    }

    struct CollectingWriter: ResponseBodyWriter {
        let sink: Sink
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            sink.buffer.withLockedValue { _ = $0.writeBuffer(&buffer) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
