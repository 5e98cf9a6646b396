public import Foundation
public import Hummingbird
public import Queue

/// A webhook inbox row in a list (no headers, no payload).
public struct AdminWebhookDTO: Codable, Sendable {
    public let id: String
    public let provider: String
    public let eventID: String
    public let eventType: String
    public let receivedAt: Date
    public let status: String
    public let attempts: Int
    public let lastError: String?
    public let processedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, provider, status, attempts
        case eventID = "event_id"
        case eventType = "event_type"
        case receivedAt = "received_at"
        case lastError = "last_error"
        case processedAt = "processed_at"
    }

    init(_ row: StoredWebhook) {
        self.id = row.id.uuidString.lowercased()
        self.provider = row.provider
        self.eventID = row.eventID
        self.eventType = row.eventType
        self.receivedAt = row.receivedAt
        self.status = row.status.rawValue
        self.attempts = row.attempts
        self.lastError = row.lastError
        self.processedAt = row.processedAt
    }
}

/// `GET /admin/webhooks/{id}`: the row with its headers, payload and processing job.
public struct AdminWebhookDetailDTO: ResponseCodable, Sendable {
    public let webhook: AdminWebhookDTO
    public let headers: [String: String]
    /// The body as received: text when it is UTF-8, else base64 (see `payload_encoding`).
    public let payload: String
    /// `utf8` or `base64`.
    public let payloadEncoding: String
    /// The `webhook.process` job, when the queue still holds it.
    public let job: AdminWebhookJobDTO?

    enum CodingKeys: String, CodingKey {
        case headers, payload, job
        case payloadEncoding = "payload_encoding"
    }

    init(_ row: StoredWebhook, job: Job?) {
        self.webhook = AdminWebhookDTO(row)
        self.headers = row.headers
        if let text = String(data: row.payload, encoding: .utf8) {
            self.payload = text
            self.payloadEncoding = "utf8"
        } else {
            self.payload = row.payload.base64EncodedString()
            self.payloadEncoding = "base64"
        }
        self.job = job.map(AdminWebhookJobDTO.init)
    }

    public init(from decoder: any Decoder) throws {
        self.webhook = try AdminWebhookDTO(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.headers = try container.decode([String: String].self, forKey: .headers)
        self.payload = try container.decode(String.self, forKey: .payload)
        self.payloadEncoding = try container.decode(String.self, forKey: .payloadEncoding)
        self.job = try container.decodeIfPresent(AdminWebhookJobDTO.self, forKey: .job)
    }

    public func encode(to encoder: any Encoder) throws {
        try webhook.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(headers, forKey: .headers)
        try container.encode(payload, forKey: .payload)
        try container.encode(payloadEncoding, forKey: .payloadEncoding)
        try container.encodeIfPresent(job, forKey: .job)
    }
}

/// The processing job of a webhook as the queue holds it.
public struct AdminWebhookJobDTO: Codable, Sendable {
    public let id: String
    /// `waiting`, `delayed`, `active`, `completed` or `dead`.
    public let state: String
    public let runs: Int
    public let failures: Int
    public let errors: [AdminWebhookJobErrorDTO]

    init(_ job: Job) {
        self.id = job.id
        self.state = job.state.rawValue
        self.runs = job.runs
        self.failures = job.failures
        self.errors = job.errors.map { AdminWebhookJobErrorDTO(attempt: $0.attempt, message: $0.message, at: Date(timeIntervalSince1970: Double($0.at) / 1000)) }
    }
}

/// One failed run of a job.
public struct AdminWebhookJobErrorDTO: Codable, Sendable {
    public let attempt: Int
    public let message: String
    public let at: Date
}
