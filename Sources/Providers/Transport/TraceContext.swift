/// A W3C Trace Context position (trace id, span id, sampled flag), propagated to upstreams as `traceparent`.
///
/// Spans come from swift-distributed-tracing (the transport injects its call span's `traceparent`); this type
/// parses and validates header values and is the fallback when no tracer is bootstrapped: a call inside
/// `TraceContext.$current.withValue(...)` then sends a child of it, any other call a fresh trace.
/// See https://www.w3.org/TR/trace-context/#traceparent-header.
public struct TraceContext: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits, never all zero.
    public let traceID: String
    /// 16 lowercase hex digits, never all zero.
    public let spanID: String
    /// Whether the trace is sampled (`01` in the flags) or not (`00`).
    public let sampled: Bool

    /// The context of the work running in this task, if any.
    @TaskLocal public static var current: TraceContext?

    /// Creates a context from validated ids.
    ///
    /// - Returns: `nil` when an id has the wrong length, is not lowercase hex, or is all zero.
    public init?(traceID: String, spanID: String, sampled: Bool) {
        guard Self.isValid(traceID, length: 32), Self.isValid(spanID, length: 16) else { return nil }
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
    }

    /// Parses a `traceparent` header value (`00-<trace>-<span>-<flags>`).
    ///
    /// Future versions are accepted as long as their first four fields have the version-00 shape, as the
    /// specification asks; version `ff` and malformed values give `nil`.
    public init?(traceparent: String) {
        let fields = traceparent.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, fields[0] != "ff", Self.isHex(fields[0]) else { return nil }
        guard fields[0] != "00" || fields.count == 4 else { return nil }
        guard fields[3].count == 2, let flags = UInt8(fields[3], radix: 16), Self.isHex(fields[3]) else { return nil }
        self.init(traceID: String(fields[1]), spanID: String(fields[2]), sampled: flags & 1 == 1)
    }

    private init(unchecked traceID: String, spanID: String, sampled: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
    }

    /// A new trace with a random trace id and span id.
    public static func random(sampled: Bool = true) -> TraceContext {
        TraceContext(unchecked: randomHex(bytes: 16), spanID: randomHex(bytes: 8), sampled: sampled)
    }

    /// A child span in the same trace: same trace id and sampled flag, a new span id.
    public func child() -> TraceContext {
        TraceContext(unchecked: traceID, spanID: Self.randomHex(bytes: 8), sampled: sampled)
    }

    /// The `traceparent` header value: `00-<traceID>-<spanID>-<01|00>`.
    public var traceparent: String { "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")" }

    public var description: String { traceparent }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // All-zero ids are invalid; the odds are 2^-64 at worst, but the loop makes it impossible.
            guard bytes.contains(where: { $0 != 0 }) else { continue }
            return bytes.map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
    }

    private static func isValid(_ id: String, length: Int) -> Bool {
        id.utf8.count == length && isHex(Substring(id)) && id.utf8.contains { $0 != UInt8(ascii: "0") }
    }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
