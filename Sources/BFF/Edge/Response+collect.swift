import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// Reads the whole body into memory and puts it back as one buffer, so the response can still be sent.
    ///
    /// Only for responses known to be small and finite (a mutation's answer); a streamed body (server-sent events)
    /// would never finish. Trailing headers are dropped.
    ///
    /// - Returns: The body's bytes.
    /// - Throws: Whatever the body's writer throws while producing it.
    mutating func collectBody() async throws -> ByteBuffer {
        let sink = CollectedBody()
        try await body.write(CollectingBodyWriter(sink: sink))
        body = ResponseBody(byteBuffer: sink.buffer)
        return sink.buffer
    }
}

/// Where ``CollectingBodyWriter`` puts the bytes; it lives only while one task collects one body.
private final class CollectedBody {
    var buffer = ByteBuffer()
}

private struct CollectingBodyWriter: ResponseBodyWriter {
    let sink: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
