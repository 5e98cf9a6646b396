import Crypto
public import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

extension Problem.Kind {
    /// Same `Idempotency-Key` with a different method, path, query or body: 422.
    public static let idempotencyKeyMismatch = Problem.Kind("idempotency-key-mismatch", title: "Idempotency Key Mismatch")
    /// Same `Idempotency-Key` while the first request still runs: 409, retry after a second.
    public static let idempotencyKeyInUse = Problem.Kind("idempotency-key-in-use", title: "Idempotency Key In Use")
    /// An `Idempotency-Key` that is empty, longer than 255 characters or not printable ASCII: 400.
    public static let invalidIdempotencyKey = Problem.Kind("invalid-idempotency-key", title: "Invalid Idempotency Key")
}

/// `Idempotency-Key` on mutating routes: a retried request gets the first answer instead of a second effect.
///
/// Applies to `POST`, `PUT`, `PATCH` and `DELETE` under `/api/v1` carrying the header (1 to 255 printable ASCII
/// characters, else 400). Keys are scoped per user (`context.identity.userID`), so two users never see each
/// other's key or answer, and kept 24 hours. The fingerprint is SHA-256 over method, path, query and body; the
/// body is read here (up to the body limit) and the handler gets the buffered copy.
/// - First use: the handler runs; its response (status, a few headers, body) is stored and sent. A 5xx or a
///   thrown error stores nothing (the claim is abandoned), so a retry runs the handler again.
/// - Same key, same request, after completion: the stored response with `Idempotency-Replayed: true`.
/// - Same key, different request: 422 `urn:atrium:problem:idempotency-key-mismatch`.
/// - Same key while the first still runs: 409 `urn:atrium:problem:idempotency-key-in-use`, `Retry-After: 1`.
///
/// **Anonymous and auth routes are excluded** (the header is validated, then ignored): everything under
/// `/api/v1/auth/` answers with access tokens, refresh tokens or an MFA secret, which must never be written to the
/// database, and login, register and refresh have no user to scope a key by. A request without an identity on
/// any other route also passes through unchanged: it can only end in a 401, and an unscoped key would let one
/// anonymous client replay another's answer.
public struct IdempotencyMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let store: any IdempotencyStore
    let clock: AppClock
    let ttl: Duration

    /// The headers kept with a stored response. Never `Set-Cookie` (a token), never per-request ones
    /// (`X-Request-ID`, `RateLimit`), which the replaying request gets afresh.
    static let storedHeaders: [HTTPField.Name] = [.contentType, .location, .contentLocation, .eTag, .lastModified]
    static let mutatingMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]
    /// Larger answers are sent but not stored (the claim is abandoned): a mutation's answer is a small JSON object.
    static let maxStoredBodyBytes = 1 << 20

    public init(services: AppServices) {
        self.init(store: services.store.idempotency, clock: services.clock)
    }

    public init(store: any IdempotencyStore, clock: AppClock = .system, ttl: Duration = .seconds(86400)) {
        self.store = store
        self.clock = clock
        self.ttl = ttl
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.mutatingMethods.contains(request.method), request.uri.path.hasPrefix("/api/v1/"),
            let key = request.headers[EdgeHeaders.idempotencyKey]
        else {
            return try await next(request, context)
        }
        guard Self.isValid(key) else {
            throw Problem(
                .invalidIdempotencyKey,
                status: .badRequest,
                detail: "Idempotency-Key must be 1 to 255 printable ASCII characters."
            )
        }
        guard !request.uri.path.hasPrefix("/api/v1/auth/"), let user = context.identity else {
            return try await next(request, context)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.requestMeta.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw EdgeMiddleware.tooLarge(limit: context.requestMeta.maxBodyBytes)
        }
        let scope = user.userID.uuidString.lowercased()
        let decision: IdempotencyDecision
        do {
            decision = try await store.begin(
                scope: scope,
                key: key,
                fingerprint: Self.fingerprint(request, body: body),
                now: clock.now(),
                ttl: ttl
            )
        } catch {
            // Running the mutation unguarded could apply it twice; a retry later is the safe answer.
            context.logger.error("idempotency store unavailable", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            throw Problem(.serviceUnavailable, status: .serviceUnavailable, detail: "Please retry shortly.", headers: [.retryAfter: "1"])
        }
        switch decision {
        case .replay(let stored):
            return Self.replay(stored)
        case .mismatch:
            throw Problem(
                .idempotencyKeyMismatch,
                status: .unprocessableContent,
                detail: "This Idempotency-Key was used with a different request."
            )
        case .inFlight:
            throw Problem(
                .idempotencyKeyInUse,
                status: .conflict,
                detail: "A request with this Idempotency-Key is still being processed.",
                headers: [.retryAfter: "1"]
            )
        case .proceed:
            return try await proceed(request, context: context, scope: scope, key: key, next: next)
        }
    }

    /// Runs the handler for a freshly claimed key and stores its answer, or gives the claim up.
    func proceed(
        _ request: Request,
        context: Context,
        scope: String,
        key: String,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        let bytes: ByteBuffer
        do {
            response = try await next(request, context)
            if response.status.code >= 500 {
                await abandon(scope: scope, key: key, logger: context.logger)
                return response
            }
            bytes = try await response.collectBody()
        } catch {
            await abandon(scope: scope, key: key, logger: context.logger)
            throw error
        }
        guard bytes.readableBytes <= Self.maxStoredBodyBytes else {
            context.logger.warning("response too large to keep for its Idempotency-Key", metadata: ["bytes": "\(bytes.readableBytes)"])
            await abandon(scope: scope, key: key, logger: context.logger)
            return response
        }
        var headers: [String: String] = [:]
        for name in Self.storedHeaders {
            if let value = response.headers[name] { headers[name.canonicalName] = value }
        }
        let stored = StoredResponse(status: response.status.code, headers: headers, body: Array(buffer: bytes))
        let store = self.store
        do {
            // Detached from the request's cancellation: a client that hangs up must not leave the key in flight.
            try await Task { try await store.complete(scope: scope, key: key, response: stored) }.value
        } catch {
            context.logger.error("could not store an idempotent response", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            await abandon(scope: scope, key: key, logger: context.logger)
        }
        return response
    }

    /// Forgets a claim so a retry runs the handler; failures are logged (the key then ages out after its ttl).
    func abandon(scope: String, key: String, logger: Logger) async {
        let store = self.store
        do {
            try await Task { try await store.abandon(scope: scope, key: key) }.value
        } catch {
            logger.error("could not release an Idempotency-Key", metadata: ["error": "\(String(reflecting: type(of: error)))"])
        }
    }

    static func replay(_ stored: StoredResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in stored.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        headers[EdgeHeaders.idempotencyReplayed] = "true"
        return Response(
            status: HTTPResponse.Status(code: stored.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body))
        )
    }

    /// 1 to 255 characters from space to tilde.
    static func isValid(_ key: String) -> Bool {
        (1...255).contains(key.utf8.count) && key.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// SHA-256 (hex) over method, path, query and body; NUL separates the parts, which a URI cannot contain.
    static func fingerprint(_ request: Request, body: ByteBuffer) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method.rawValue)\u{0}\(request.uri.path)\u{0}\(request.uri.query ?? "")\u{0}".utf8))
        hasher.update(data: Array(buffer: body))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
