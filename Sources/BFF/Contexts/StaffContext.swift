public import Foundation
public import Hummingbird
import Logging

/// The context of every admin route: it cannot be built without a verified staff token (audience
/// `atrium-admin`), so an admin handler's `context.staff` is never optional and never comes from the request.
///
/// Which staff roles may use a route is said by the route itself, with ``StaffRoleGate``.
public struct StaffContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let staff: StaffIdentity
    public let requestMeta: RequestMeta

    /// - Throws: 401 without an identity; 403 for a customer token (the portal audience never opens admin routes).
    public init(context: AppRequestContext) throws {
        guard let user = context.identity else {
            throw Problem(.unauthorized, status: .unauthorized, detail: "A valid access token is required.")
        }
        // `kind` comes from the verified audience: staff tokens are issued for `atrium-admin` only.
        guard user.kind == .staff else {
            throw Problem(.forbidden, status: .forbidden, detail: "This route is for staff accounts.")
        }
        self.coreContext = context.coreContext
        self.staff = StaffIdentity(userID: user.userID, tenant: user.tenant, roles: user.roles.filter(\.isStaff), family: user.family)
        self.requestMeta = context.requestMeta
    }

    public var responseEncoder: JSONEncoder { AppRequestContext.makeResponseEncoder() }
    public var requestDecoder: JSONDecoder { AppRequestContext.makeRequestDecoder() }
    public var maxUploadSize: Int { requestMeta.maxBodyBytes }
}

/// A staff member in an admin handler: never optional there (see ``StaffContext``).
public struct StaffIdentity: Sendable, Hashable {
    public let userID: UUID
    /// Staff act on their own tenant's data only.
    public let tenant: String
    /// Staff roles only (a `customer` role in a staff token counts for nothing here).
    public let roles: Set<Role>
    public let family: String?

    public init(userID: UUID, tenant: String, roles: Set<Role>, family: String?) {
        self.userID = userID
        self.tenant = tenant
        self.roles = roles
        self.family = family
    }

    /// Whether the staff member holds at least one of `allowed`.
    public func hasAny(of allowed: Set<Role>) -> Bool { !roles.isDisjoint(with: allowed) }
}

/// Lets a route name the staff roles it allows (PRODUCT.md: "each admin route names the roles it allows;
/// everything else is denied"). Add it to a `RouteCollection<StaffContext>` before the routes it guards:
///
/// ```swift
/// let routes = RouteCollection(context: StaffContext.self)
/// routes.add(middleware: StaffRoleGate(allowing: [.admin, .ops, .sales], services: services))
/// routes.post("orders/:id/approve", use: approve)
/// ```
///
/// A staff member without any of the roles gets 403 and an audit row (`admin.denied`, outcome `denied`).
public struct StaffRoleGate: RouterMiddleware {
    public typealias Context = StaffContext
    public let allowed: Set<Role>
    let audit: any AuditLog
    let clock: AppClock

    public init(allowing roles: Set<Role>, services: AppServices) {
        self.allowed = roles.filter(\.isStaff)
        self.audit = services.store.audit
        self.clock = services.clock
    }

    public func handle(_ request: Request, context: StaffContext, next: (Request, StaffContext) async throws -> Response) async throws -> Response {
        guard context.staff.hasAny(of: allowed) else {
            let entry = AuditEntry(
                at: clock.now(),
                tenant: context.staff.tenant,
                actorID: context.staff.userID,
                actorKind: UserKind.staff.rawValue,
                action: "admin.denied",
                subject: String(request.uri.path.prefix(512)),
                outcome: "denied",
                clientIP: context.requestMeta.clientIP,
                userAgent: context.requestMeta.userAgent.map { String($0.prefix(256)) },
                requestID: context.id,
                details: ["route": "\(request.method.rawValue) \(context.endpointPath ?? "")", "roles": context.staff.roles.map(\.rawValue).sorted().joined(separator: ",")]
            )
            do {
                try await audit.append(entry)
            } catch {
                context.logger.error("audit append failed", metadata: ["action": "\(entry.action)", "error": "\(error)"])
            }
            throw Problem(.forbidden, status: .forbidden, detail: "Your role does not allow this operation.")
        }
        return try await next(request, context)
    }
}
