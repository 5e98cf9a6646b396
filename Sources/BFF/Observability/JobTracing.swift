public import Foundation
public import Queue
import Tracing

/// Tracing across the job queue: the enqueuing span's `traceparent` travels inside the job's JSON payload (a
/// top-level `"traceparent"` field), and each run of the job is a consumer span in that trace.
///
/// So a fulfillment saga's spans join the request that approved the order, and a webhook's processing joins the
/// request that received it, even when a worker process runs them.
public enum JobTracing {
    /// The `traceparent` of the span running now (a request's or a job's), to put into a job payload; nil outside
    /// any span or when no tracer is bootstrapped.
    public static func currentTraceparent() -> String? {
        guard let context = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: DictionaryCarrier())
        return carrier["traceparent"]
    }

    /// Wraps `handler` in a span `job <name>` per run, a child of the payload's `traceparent` when it has one.
    ///
    /// A snooze (``JobSnooze``) ends the span normally with `atrium.job.outcome = snoozed`; any other error is
    /// recorded on the span and rethrown unchanged.
    public static func traced(_ name: String, queue: String, _ handler: @escaping JobWorker.Handler) -> JobWorker.Handler {
        { context in
            var parent = ServiceContext.topLevel
            if let traceparent = traceparent(in: context.job.payload) {
                InstrumentationSystem.instrument.extract(["traceparent": traceparent], into: &parent, using: DictionaryCarrier())
            }
            let span = InstrumentationSystem.tracer.startSpan("job \(name)", context: parent, ofKind: .consumer)
            span.attributes["messaging.system"] = "atrium"
            span.attributes["messaging.destination.name"] = queue
            span.attributes["messaging.message.id"] = context.job.id
            span.attributes["atrium.job.attempt"] = context.attempt
            defer { span.end() }
            do {
                try await ServiceContext.$current.withValue(span.context) {
                    try await handler(context)
                }
                span.attributes["atrium.job.outcome"] = "completed"
            } catch let snooze as JobSnooze {
                span.attributes["atrium.job.outcome"] = "snoozed"
                throw snooze
            } catch {
                span.attributes["atrium.job.outcome"] = "failed"
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
                throw error
            }
        }
    }

    /// The payload's top-level `traceparent`, if the payload is a JSON object with one.
    static func traceparent(in payload: [UInt8]) -> String? {
        struct Carrier: Decodable { let traceparent: String? }
        guard payload.first == UInt8(ascii: "{") else { return nil }
        return (try? JSONDecoder().decode(Carrier.self, from: Data(payload)))?.traceparent
    }
}

/// `traceparent`/`tracestate` in a plain dictionary.
struct DictionaryCarrier: Injector, Extractor {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
