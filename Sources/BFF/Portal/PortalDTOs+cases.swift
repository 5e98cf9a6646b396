public import Foundation
public import Hummingbird
import Domain

/// A support case in a list (`GET /cases`): no description, no comments.
public struct SupportCaseDTO: ResponseCodable, Sendable, Hashable {
    public let id: String
    /// The case number support uses, when the CRM gives one.
    public let number: String?
    public let subject: String
    /// `new`, `working`, `escalated`, `waiting_on_customer` or `closed`.
    public let status: String
    /// `low`, `medium`, `high` or `urgent`.
    public let priority: String
    public let openedAt: Date?
    public let closedAt: Date?
    /// When support must have answered by.
    public let slaDueAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, number, subject, status, priority
        case openedAt = "opened_at"
        case closedAt = "closed_at"
        case slaDueAt = "sla_due_at"
    }

    init(_ supportCase: SupportCase) {
        self.id = supportCase.id
        self.number = supportCase.number
        self.subject = supportCase.subject
        self.status = supportCase.status.rawValue
        self.priority = supportCase.priority.rawValue
        self.openedAt = supportCase.openedAt
        self.closedAt = supportCase.closedAt
        self.slaDueAt = supportCase.slaDueAt
    }
}

/// `GET /cases/{id}` and `POST /cases` (201): a case with its description and its public comments.
public struct SupportCaseDetailDTO: ResponseCodable, Sendable {
    /// The list fields (flat on the wire).
    public let summary: SupportCaseDTO
    public let description: String?
    /// Public comments, oldest first; internal notes of support are never included.
    public let comments: [CaseCommentDTO]

    enum CodingKeys: String, CodingKey { case description, comments }

    init(_ supportCase: SupportCase) {
        self.summary = SupportCaseDTO(supportCase)
        self.description = supportCase.description
        self.comments = supportCase.comments.filter(\.isPublic).map(CaseCommentDTO.init)
    }

    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(comments, forKey: .comments)
    }

    public init(from decoder: any Decoder) throws {
        self.summary = try SupportCaseDTO(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.description = try container.decodeIfPresent(String.self, forKey: .description)
        self.comments = try container.decode([CaseCommentDTO].self, forKey: .comments)
    }
}

/// A public comment on a case (`POST /cases/{id}/comments` answers one, 201).
public struct CaseCommentDTO: ResponseCodable, Sendable, Hashable {
    public let id: String
    public let body: String
    /// A display name (never an e-mail address).
    public let author: String?
    public let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, body, author
        case createdAt = "created_at"
    }

    init(_ comment: CaseComment) {
        self.id = comment.id
        self.body = comment.body
        self.author = comment.author
        self.createdAt = comment.createdAt
    }
}

/// `POST /cases` body.
public struct CreateCaseRequestDTO: Codable, Sendable {
    /// 1 to 255 characters after trimming.
    public let subject: String
    /// At most 32 000 characters; may be empty.
    public let description: String?
    /// `low`, `medium` (default), `high` or `urgent`.
    public let priority: String?
}

/// `POST /cases/{id}/comments` body.
public struct CreateCommentRequestDTO: Codable, Sendable {
    /// 1 to 4000 characters after trimming.
    public let body: String
}
