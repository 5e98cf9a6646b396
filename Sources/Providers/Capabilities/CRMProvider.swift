public import Domain

/// A CRM: accounts, orders, support cases and the product catalog.
///
/// Every method throws ``ProviderError`` only.
public protocol CRMProvider: Sendable {
    var upstream: UpstreamID { get }

    func account(id: String) async throws -> CRMAccount
    /// The account whose e-mail is `email`, or `nil` when none has it.
    func account(email: EmailAddress) async throws -> CRMAccount?

    /// Creates a draft order. A replay with the same `draft.atriumOrderID` returns the order created first.
    func createOrder(_ draft: ExternalOrderDraft) async throws -> ExternalOrder
    func order(id: String) async throws -> ExternalOrder
    func updateOrderStatus(id: String, to status: ExternalOrderStatus) async throws -> ExternalOrder

    /// The account's cases, newest first (comments are not loaded; see ``supportCase(id:)``).
    func cases(accountID: String, page: PageRequest) async throws -> Page<SupportCase>
    /// One case with its comments.
    func supportCase(id: String) async throws -> SupportCase
    func createCase(_ draft: CaseDraft) async throws -> SupportCase
    func addComment(caseID: String, _ draft: CaseCommentDraft) async throws -> CaseComment

    /// Active catalog products, one page at a time.
    func products(page: PageRequest) async throws -> Page<CatalogItem>
}
