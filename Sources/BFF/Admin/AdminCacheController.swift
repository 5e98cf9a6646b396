import Foundation
import Hummingbird

/// `POST /admin/cache/invalidate`: removes cached upstream reads of the staff member's tenant.
///
/// | body | removes |
/// | --- | --- |
/// | `{"customer_id": "<uuid>", "tag": "invoices"}` | the customer's entries under that tag |
/// | `{"customer_id": "<uuid>"}` | every entry of the customer |
/// | `{"tag": "catalog"}` | the tenant-global entries under that tag (shared by every customer: the catalog) |
///
/// The customer must be a customer of the staff member's tenant (otherwise 404); the tag one of
/// ``AdminCacheController/tags`` (otherwise 400). Audited as `cache.invalidate` with the count removed.
struct AdminCacheController: Sendable {
    static let roles: Set<Role> = [.admin, .ops]
    /// The tags the portal puts on its entries (``PortalCacheTag``).
    static let tags: [String] = [
        PortalCacheTag.invoices, PortalCacheTag.subscriptions, PortalCacheTag.paymentMethods, PortalCacheTag.billing, PortalCacheTag.sims,
        PortalCacheTag.simUsage, PortalCacheTag.cases, PortalCacheTag.crm, PortalCacheTag.profile, PortalCacheTag.catalog, PortalCacheTag.dashboard,
    ]

    let services: AppServices

    var routes: RouteCollection<StaffContext> {
        let routes = RouteCollection(context: StaffContext.self)
        routes.add(middleware: StaffRoleGate(allowing: Self.roles, services: services))
        routes.post("cache/invalidate", use: invalidate)
        return routes
    }

    @Sendable func invalidate(_ request: Request, context: StaffContext) async throws -> AdminCacheInvalidationDTO {
        let body: AdminCacheInvalidationRequestDTO
        do {
            body = try await request.decode(as: AdminCacheInvalidationRequestDTO.self, context: context)
        } catch {
            throw PortalProblems.validation(field: "body", "must be a JSON object with `tag` and/or `customer_id`.")
        }
        let tenant = context.staff.tenant
        if let tag = body.tag, !Self.tags.contains(tag) {
            throw PortalProblems.validation(field: "tag", "must be one of \(Self.tags.joined(separator: ", ")).")
        }
        let removed: Int
        let subject: String
        if let raw = body.customerID {
            guard let id = UUID(uuidString: raw), let user = try await services.store.users.user(id: id), user.tenant == tenant,
                user.kind == .customer
            else {
                await AdminAuditTrail(services: services).record(
                    context, action: "cache.invalidate", subject: "customer:\(raw.prefix(64))", outcome: "failure", details: ["status": "404"]
                )
                throw PortalProblems.notFound()
            }
            let scope = CustomerIdentity(userID: id, tenant: tenant, family: nil).cacheScope
            subject = "customer:\(id.uuidString.lowercased())"
            if let tag = body.tag {
                removed = try await services.cache.invalidate(CacheTag(scope: scope, name: tag))
            } else {
                removed = try await services.cache.invalidate(scope: scope)
            }
        } else if let tag = body.tag {
            subject = "tenant:\(tenant)"
            removed = try await services.cache.invalidate(CacheTag(scope: .global(tenant: tenant), name: tag))
        } else {
            throw PortalProblems.validation(field: "body", "needs `tag`, `customer_id` or both.")
        }
        await AdminAuditTrail(services: services).record(
            context, action: "cache.invalidate", subject: subject, outcome: "success",
            details: ["tag": body.tag ?? "*", "removed": "\(removed)"]
        )
        return AdminCacheInvalidationDTO(
            scope: body.customerID == nil ? "tenant" : "customer", customerID: body.customerID?.lowercased(), tag: body.tag, removed: removed
        )
    }
}

/// The body of `POST /admin/cache/invalidate`.
struct AdminCacheInvalidationRequestDTO: Codable, Sendable, Hashable {
    let tag: String?
    let customerID: String?

    enum CodingKeys: String, CodingKey {
        case tag
        case customerID = "customer_id"
    }
}

/// What `POST /admin/cache/invalidate` removed.
struct AdminCacheInvalidationDTO: ResponseEncodable, Codable, Sendable, Hashable {
    /// `customer` or `tenant` (the tenant-global entries).
    let scope: String
    let customerID: String?
    let tag: String?
    /// Entries removed.
    let removed: Int

    enum CodingKeys: String, CodingKey {
        case scope, tag, removed
        case customerID = "customer_id"
    }
}
