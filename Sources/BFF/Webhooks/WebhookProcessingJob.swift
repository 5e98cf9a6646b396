public import Foundation
public import Queue

// PLACEHOLDER (webhooks helper): replace the handler with real processing.
/// Processes one stored webhook (`webhook.process` on the `webhooks` queue; job id = inbox row id).
public enum WebhookProcessingJob {
    public static let name = "webhook.process"
    public static let queue = "webhooks"

    public struct Payload: Codable, Sendable, Hashable {
        public let inboxID: UUID

        public init(inboxID: UUID) { self.inboxID = inboxID }

        enum CodingKeys: String, CodingKey { case inboxID = "inbox_id" }
    }

    public static func jobID(inboxID: UUID) -> String { "webhook-\(inboxID.uuidString.lowercased())" }

    /// Enqueues processing of `inboxID`; a no-op while its job exists.
    @discardableResult
    public static func enqueue(inboxID: UUID, on queue: any JobQueueDriver, now: Date) async throws -> Bool {
        let options = JobOptions(jobID: jobID(inboxID: inboxID), retry: .standard, timeout: .seconds(60))
        let bytes = Array(try JSONEncoder().encode(Payload(inboxID: inboxID)))
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await queue.enqueue(name: name, payload: bytes, options: options, now: nowMillis).created
    }

    public static func handler(services: JobServices) -> JobWorker.Handler {
        { _ in throw PermanentJobError("webhook processing is not built yet") }
    }
}
