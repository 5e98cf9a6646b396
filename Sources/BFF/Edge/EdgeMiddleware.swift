import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// The HTTP edge: security headers on every response, CORS, the request body limit and the JSON content type.
///
/// It sits inside ``ProblemMiddleware`` but renders every error from the routes itself (a 404, a 429, a thrown
/// problem), so the security headers land on problem responses too. In order, for each request:
/// 1. The context learns the body limit (`maxUploadSize`, which caps chunked bodies when they are decoded), the
///    client address (`X-Forwarded-For` only with `ATRIUM_TRUST_PROXY`) and the user agent.
/// 2. A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered here: 204 for a
///    configured origin, a 403 problem otherwise. It never reaches authentication or rate limits.
/// 3. A `Content-Length` above `ATRIUM_MAX_BODY_BYTES` is refused with 413 before a byte of the body is read;
///    a body on an `/api/` route that is not `application/json` (or `application/*+json`) gets 415.
/// 4. The response gets the security headers (``EdgeHeaders``) and, for cross-origin requests, CORS headers.
public struct EdgeMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let cors: CORSPolicy
    let maxBodyBytes: Int
    let trustProxy: Bool

    public init(services: AppServices) {
        self.init(config: services.config)
    }

    /// The edge for a configuration alone (tests build routers without the other services).
    public init(config: AtriumConfig) {
        self.cors = CORSPolicy(origins: config.corsOrigins)
        self.maxBodyBytes = config.maxBodyBytes
        self.trustProxy = config.trustProxy
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestMeta.maxBodyBytes = maxBodyBytes
        if trustProxy, let forwarded = Self.forwardedClient(request.headers) {
            context.requestMeta.clientIP = forwarded
        }
        if let agent = request.headers[.userAgent] {
            context.requestMeta.userAgent = String(agent.prefix(256))
        }
        let verdict = cors.verdict(for: request.headers[.origin])
        let isPreflight = Self.isPreflight(request)
        var response: Response
        do {
            if isPreflight {
                response = try preflight(verdict)
            } else {
                try checkBody(request)
                response = try await next(request, context)
            }
        } catch {
            response = Self.render(error, request: request, context: context)
        }
        EdgeHeaders.applySecurityHeaders(to: &response.headers, path: request.uri.path)
        if !isPreflight || response.status != .noContent {
            cors.apply(verdict, to: &response.headers)
        }
        return response
    }

    static func isPreflight(_ request: Request) -> Bool {
        request.method == .options && request.headers[.origin] != nil && request.headers[.accessControlRequestMethod] != nil
    }

    func preflight(_ verdict: CORSPolicy.Verdict) throws -> Response {
        switch verdict {
        case .credentialed, .anonymous:
            return Response(status: .noContent, headers: cors.preflightHeaders(verdict))
        case .notCrossOrigin, .refused:
            throw Problem(.forbidden, status: .forbidden, detail: "This origin may not call the API.")
        }
    }

    /// Refuses an oversized declared body (before reading it) and a non-JSON body on an API route.
    func checkBody(_ request: Request) throws {
        var declaredLength = 0
        if let text = request.headers[.contentLength] {
            guard let length = Int(text), length >= 0 else {
                throw Problem(.badRequest, status: .badRequest, detail: "Content-Length is not a byte count.")
            }
            guard length <= maxBodyBytes else {
                throw Self.tooLarge(limit: maxBodyBytes)
            }
            declaredLength = length
        }
        let hasBody = declaredLength > 0 || request.headers[.transferEncoding] != nil
        if hasBody, request.uri.path.hasPrefix("/api/"), !Self.isJSON(request.headers[.contentType]) {
            throw Problem(.unsupportedMediaType, status: .unsupportedMediaType, detail: "Request bodies must be application/json.")
        }
    }

    static func tooLarge(limit: Int) -> Problem {
        Problem(.payloadTooLarge, status: .contentTooLarge, detail: "The request body exceeds the limit of \(limit) bytes.")
    }

    /// `application/json` or a structured `application/…+json` type, with any parameters (`charset=utf-8`).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType =
            contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// The left-most `X-Forwarded-For` entry when it is an IP address literal (normalised), else nil.
    static func forwardedClient(_ headers: HTTPFields) -> String? {
        guard let header = headers[values: EdgeHeaders.xForwardedFor].first,
            let first = header.split(separator: ",", maxSplits: 1).first
        else { return nil }
        let candidate = first.trimmingCharacters(in: .whitespaces)
        guard candidate.utf8.count <= 45, let address = try? SocketAddress(ipAddress: candidate, port: 0) else { return nil }
        return address.ipAddress
    }

    /// The problem response for an error from the routes or from this middleware.
    static func render(_ error: any Error, request: Request, context: Context) -> Response {
        let problem =
            if error is NIOTooManyBytesError {
                tooLarge(limit: context.requestMeta.maxBodyBytes)
            } else {
                ProblemMiddleware<Context>.problem(for: error, logger: context.logger)
            }
        do {
            return try problem.response(from: request, context: context)
        } catch {
            context.logger.error("could not encode a problem response", metadata: ["error": "\(error)"])
            return Response(status: .internalServerError)
        }
    }
}
