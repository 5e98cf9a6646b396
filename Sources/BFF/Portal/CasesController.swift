import Domain
import Hummingbird
import Logging
import Providers

/// `GET /cases`, `POST /cases`, `GET /cases/{id}`, `POST /cases/{id}/comments`.
///
/// Cases belong to the account's CRM link; another account's case is 404, the same as an unknown one. Customers
/// see and write public comments only.
struct CasesController: Sendable {
    let services: AppServices
    let cursors: PortalCursorCodec
    var reads: PortalReads { PortalReads(services: services) }

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.get("cases", use: list)
        routes.post("cases", use: create)
        routes.get("cases/:id", use: show)
        routes.post("cases/:id/comments", use: comment)
        return routes
    }

    /// Newest first, paged by the CRM (the cursor carries its query locator and an offset into its batch, since the
    /// CRM answers batches larger than the limit).
    @Sendable func list(_ request: Request, context: PortalContext) async throws -> CachedResponse<ListDTO<SupportCaseDTO>> {
        let user = context.customer.userID
        let query = try PortalListQuery(request, list: "cases", user: user, codec: cursors)
        guard let crm = try await accounts(context).crm.value() else {
            return CachedResponse(body: ListDTO(data: [], nextCursor: nil), cache: nil)
        }
        let result = try await reads.cases(crm, scope: context.customer.cacheScope, limit: query.limit, cursor: query.cursor?.upstream)
        let page = query.page(ofBatch: result.value, user: user, codec: cursors)
        let body = ListDTO(data: page.items.map(SupportCaseDTO.init), nextCursor: page.nextCursor)
        return CachedResponse(body: body, cache: result.status)
    }

    @Sendable func show(_ request: Request, context: PortalContext) async throws -> CachedResponse<SupportCaseDetailDTO> {
        let id = try context.objectID("id")
        guard let crm = try await accounts(context).crm.value() else { throw PortalProblems.notFound() }
        let result = try await reads.supportCase(crm, id: id, scope: context.customer.cacheScope)
        return CachedResponse(body: SupportCaseDetailDTO(result.value), cache: result.status)
    }

    /// Opens a case on the customer's CRM account and answers 201 with it.
    ///
    /// - Throws: 400 `validation` for a bad body (Domain's ``CaseDraft`` rules); 409 `conflict` when the account
    ///   has no CRM link (there is nowhere to open it).
    @Sendable func create(_ request: Request, context: PortalContext) async throws -> CachedResponse<SupportCaseDetailDTO> {
        let body = try await PortalRequestBody.decode(CreateCaseRequestDTO.self, from: request, context: context)
        var priority = CasePriority.medium
        if let raw = body.priority {
            guard let parsed = CasePriority(rawValue: raw) else {
                throw PortalProblems.validation(field: "priority", "one of low, medium, high, urgent")
            }
            priority = parsed
        }
        guard let crm = try await accounts(context).crm.value() else {
            throw PortalProblems.conflict("This account is not linked to a support system.")
        }
        let draft: CaseDraft
        do {
            draft = try CaseDraft(accountID: crm.accountID, subject: body.subject, description: body.description ?? "", priority: priority)
        } catch {
            throw PortalProblems.validation(field: error.field, error.message)
        }
        let created = try await crm.provider.createCase(draft)
        await invalidateCases(context)
        return CachedResponse(body: SupportCaseDetailDTO(created), cache: nil, status: .created)
    }

    /// Adds a public comment to one of the customer's cases and answers 201 with it.
    @Sendable func comment(_ request: Request, context: PortalContext) async throws -> CachedResponse<CaseCommentDTO> {
        let id = try context.objectID("id")
        let body = try await PortalRequestBody.decode(CreateCommentRequestDTO.self, from: request, context: context)
        let draft: CaseCommentDraft
        do {
            draft = try CaseCommentDraft(body: body.body, isPublic: true)
        } catch {
            throw PortalProblems.validation(field: error.field, error.message)
        }
        guard let crm = try await accounts(context).crm.value() else { throw PortalProblems.notFound() }
        // Ownership first, on the CRM's current record: a comment must never land on someone else's case.
        let existing = try await PortalReads.lookup { try await crm.provider.supportCase(id: id) }
        guard existing.accountID == crm.accountID else { throw PortalProblems.notFound() }
        let created = try await crm.provider.addComment(caseID: existing.id, draft)
        await invalidateCases(context)
        return CachedResponse(body: CaseCommentDTO(created), cache: nil, status: .created)
    }

    /// Best effort: entries also expire by their TTL if the cache is unreachable.
    private func invalidateCases(_ context: PortalContext) async {
        do {
            try await services.cache.invalidate(CacheTag(scope: context.customer.cacheScope, name: PortalCacheTag.cases))
        } catch {
            context.logger.warning("could not invalidate the cases cache", metadata: ["error": "\(error)"])
        }
    }

    private func accounts(_ context: PortalContext) async throws -> CustomerAccounts {
        try await CustomerAccounts.resolve(context.customer, services: services)
    }
}
