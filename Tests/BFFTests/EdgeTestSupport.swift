import BFF
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// Helpers shared by the edge, rate-limit and idempotency tests: a small router of their own, so they depend on
/// neither the authentication nor the portal routes.

/// Stands in for authentication: `X-Test-User: <uuid>` makes the request a customer's; `X-Test-IP` sets the peer.
struct EdgeTestIdentityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The user id that becomes `context.identity`.
    static let user = EdgeTestRouter.field("X-Test-User")
    /// The socket peer address that becomes `context.requestMeta.clientIP`.
    static let peer = EdgeTestRouter.field("X-Test-IP")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let text = request.headers[Self.user], let id = UUID(uuidString: text) {
            context.identity = AuthenticatedUser(userID: id, tenant: "t-test", kind: .customer, roles: [.customer], family: nil)
        }
        if let address = request.headers[Self.peer] {
            context.requestMeta.clientIP = address
        }
        return try await next(request, context)
    }
}

/// A clock that moves only when told to.
final class EdgeTestClock: Sendable {
    private let current = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
    var clock: AppClock { AppClock { [current] in current.withLockedValue { $0 } } }
    func advance(by seconds: TimeInterval) { current.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

/// Counts calls, thread-safely.
final class EdgeTestCounter: Sendable {
    private let box = NIOLockedValueBox(0)
    var value: Int { box.withLockedValue { $0 } }
    @discardableResult func next() -> Int {
        box.withLockedValue {
            $0 += 1
            return $0
        }
    }
}

enum EdgeTestRouter {
    static func field(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("bad header name \(name)") }
        return field
    }

    /// ProblemMiddleware, EdgeMiddleware, the test identity, then the optional rate-limit and idempotency
    /// middleware, in `buildRouter`'s order; `routes` adds the test routes after them.
    static func make(
        config: AtriumConfig = AtriumConfig(upstreams: .live([:])),
        rateLimit: RateLimitMiddleware? = nil,
        idempotency: IdempotencyMiddleware? = nil,
        routes: (Router<AppRequestContext>) -> Void
    ) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            RequestIDMiddleware()
            ProblemMiddleware()
            EdgeMiddleware(config: config)
            EdgeTestIdentityMiddleware()
        }
        if let rateLimit { router.add(middleware: rateLimit) }
        if let idempotency { router.add(middleware: idempotency) }
        routes(router)
        return router
    }

    static func application(_ router: Router<AppRequestContext>) -> some ApplicationProtocol {
        Application(router: router, logger: Logger(label: "edge-test"))
    }
}

/// The parts of a problem body the tests look at.
struct EdgeProblem: Decodable {
    let type: String
    let status: Int
}

extension EdgeProblem {
    /// The problem `type` of a body, or nil when it is not a problem. Not throwing, so it can sit in `#expect`
    /// inside the test client's callbacks.
    static func type(of body: ByteBuffer) -> String? {
        try? JSONDecoder().decode(EdgeProblem.self, from: Data(String(buffer: body).utf8)).type
    }
}
