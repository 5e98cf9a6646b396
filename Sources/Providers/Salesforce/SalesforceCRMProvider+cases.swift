public import Domain

extension SalesforceCRMProvider {
    var caseFields: [String] {
        ["Id", "CaseNumber", "AccountId", "Subject", "Description", "Status", "Priority", "CreatedDate", "ClosedDate", "IsClosed"]
            + (org.hasSLADueField ? ["SLA_Due__c"] : [])
    }

    /// The account's cases, newest first, one query batch per page (comments are not loaded).
    public func cases(accountID: String, page: PageRequest) async throws(ProviderError) -> Page<SupportCase> {
        let result: SalesforceQueryResult<SalesforceCase>
        if let cursor = page.cursor {
            result = try await client.queryMore(SalesforceCase.self, locator: cursor, object: "Case")
        } else {
            let accountID = try SalesforceSOQL.recordID(accountID, field: "account id")
            let soql = "SELECT \(caseFields.joined(separator: ", ")) FROM Case WHERE AccountId = \(SalesforceSOQL.literal(accountID)) "
                + "ORDER BY CreatedDate DESC, Id DESC"
            result = try await client.query(SalesforceCase.self, soql, object: "Case", batchSize: page.limit)
        }
        return try result.page { raw, path throws(ProviderError) in
            try SupportCase(salesforce: raw, sla: org.slaPolicy, path: path)
        }
    }

    /// One case with all its comments (internal ones too; ``CaseComment/isPublic`` tells them apart), oldest first.
    public func supportCase(id: String) async throws(ProviderError) -> SupportCase {
        let id = try SalesforceSOQL.recordID(id, field: "case id")
        let raw = try await client.record(SalesforceCase.self, object: "Case", id: id, fields: caseFields)
        let comments = try await comments(caseID: id)
        return try SupportCase(salesforce: raw, comments: comments, sla: org.slaPolicy)
    }

    /// A case's comments, following `nextRecordsUrl` for at most 20 batches.
    private func comments(caseID: String) async throws(ProviderError) -> [CaseComment] {
        let soql = "SELECT \(Fields.comment.joined(separator: ", ")) FROM CaseComment WHERE ParentId = \(SalesforceSOQL.literal(caseID)) "
            + "ORDER BY CreatedDate ASC, Id ASC"
        var result = try await client.query(SalesforceCaseComment.self, soql, object: "CaseComment")
        var comments: [CaseComment] = []
        for _ in 0..<20 {
            comments += try result.page { raw, path throws(ProviderError) in try CaseComment(salesforce: raw, path: path) }.items
            guard !result.done, let next = result.nextRecordsURL else { return comments }
            result = try await client.queryMore(SalesforceCaseComment.self, locator: next, object: "CaseComment")
        }
        return comments
    }

    /// Creates a `New` case from the web (`Origin = Web`) and reads it back (for its number and dates).
    ///
    /// Not retried: a case carries no idempotency key, so a lost answer must not create a second one.
    public func createCase(_ draft: CaseDraft) async throws(ProviderError) -> SupportCase {
        let accountID = try SalesforceSOQL.recordID(draft.accountID, field: "account id")
        let body = SalesforceWrites.CaseCreate(
            accountID: accountID,
            subject: draft.subject,
            description: draft.description,
            priority: SalesforceCasePicklists.label(draft.priority),
            status: "New",
            origin: "Web"
        )
        let saved = try await client.create(object: "Case", body: body)
        let raw = try await client.record(SalesforceCase.self, object: "Case", id: saved.id, fields: caseFields)
        return try SupportCase(salesforce: raw, sla: org.slaPolicy)
    }

    /// Adds a comment (`IsPublished` from the draft) and reads it back with its author.
    ///
    /// - Throws: `.notFound` for an unknown case (`INVALID_CROSS_REFERENCE_KEY` on `ParentId`).
    public func addComment(caseID: String, _ draft: CaseCommentDraft) async throws(ProviderError) -> CaseComment {
        let caseID = try SalesforceSOQL.recordID(caseID, field: "case id")
        let body = SalesforceWrites.CaseCommentCreate(parentID: caseID, commentBody: draft.body, isPublished: draft.isPublic)
        let saved = try await client.create(object: "CaseComment", body: body)
        let commentID = try SalesforceSOQL.recordID(saved.id, field: "comment id")
        let soql = "SELECT \(Fields.comment.joined(separator: ", ")) FROM CaseComment WHERE Id = \(SalesforceSOQL.literal(commentID))"
        let result = try await client.query(SalesforceCaseComment.self, soql, object: "CaseComment")
        guard let raw = result.records.first else {
            throw ProviderError(.notFound, provider: .salesforce, detail: "created comment not readable")
        }
        return try CaseComment(salesforce: raw, path: "$.records[0]")
    }
}
