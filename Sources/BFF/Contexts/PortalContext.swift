public import Foundation
public import Hummingbird
public import Logging
public import NIOCore

/// The context of every customer-portal route: it cannot be built without a verified customer token, so a
/// portal handler's `context.customer` is never optional and never comes from the request's query or body.
public struct PortalContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let customer: CustomerIdentity
    public let requestMeta: RequestMeta

    public init(context: AppRequestContext) throws {
        guard let user = context.identity else {
            throw Problem(.unauthorized, status: .unauthorized, detail: "A valid access token is required.")
        }
        // A staff token has the admin audience and never opens the portal (and the reverse for admin routes).
        guard user.kind == .customer, user.roles.contains(.customer) else {
            throw Problem(.forbidden, status: .forbidden, detail: "This route is for customer accounts.")
        }
        self.coreContext = context.coreContext
        self.customer = CustomerIdentity(userID: user.userID, tenant: user.tenant, family: user.family)
        self.requestMeta = context.requestMeta
    }

    public var responseEncoder: JSONEncoder { AppRequestContext.makeResponseEncoder() }
    public var requestDecoder: JSONDecoder { AppRequestContext.makeRequestDecoder() }
    public var maxUploadSize: Int { requestMeta.maxBodyBytes }
}
