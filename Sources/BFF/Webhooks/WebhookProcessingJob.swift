public import Foundation
public import Queue

/// Processes one stored webhook (`webhook.process` on the `webhooks` queue; job id = inbox row id).
///
/// The receiver enqueues it once the event is in the inbox; ``WebhookProcessor`` does the work (advance orders,
/// invalidate caches). A run that fails marks the row `failed` with the error and is retried with the standard
/// policy; after the last attempt the job is dead-lettered and the row stays `failed` for staff to replay.
public enum WebhookProcessingJob {
    public static let name = "webhook.process"
    public static let queue = "webhooks"

    public struct Payload: Codable, Sendable, Hashable {
        public let inboxID: UUID
        /// The receiving request's span (``JobTracing``), so processing joins its trace.
        public let traceparent: String?

        public init(inboxID: UUID, traceparent: String? = nil) {
            self.inboxID = inboxID
            self.traceparent = traceparent
        }

        enum CodingKeys: String, CodingKey {
            case inboxID = "inbox_id"
            case traceparent
        }
    }

    public static func jobID(inboxID: UUID) -> String { "webhook-\(inboxID.uuidString.lowercased())" }

    /// Enqueues processing of `inboxID`; a no-op while its job exists.
    @discardableResult
    public static func enqueue(inboxID: UUID, on queue: any JobQueueDriver, now: Date) async throws -> Bool {
        let options = JobOptions(jobID: jobID(inboxID: inboxID), retry: .standard, timeout: .seconds(60))
        let bytes = Array(try JSONEncoder().encode(Payload(inboxID: inboxID, traceparent: JobTracing.currentTraceparent())))
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await queue.enqueue(name: name, payload: bytes, options: options, now: nowMillis).created
    }

    /// The handler to register for ``name`` on the `webhooks` queue.
    public static func handler(services: JobServices) -> JobWorker.Handler {
        let processor = WebhookProcessor(services: services)
        return { context in
            let payload: Payload
            do {
                payload = try context.payload()
            } catch {
                throw PermanentJobError("webhook job payload is not decodable")
            }
            try await processor.process(inboxID: payload.inboxID)
        }
    }
}
