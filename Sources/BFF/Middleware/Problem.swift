import Foundation
public import HTTPTypes
public import Hummingbird

/// An RFC 9457 problem: the one error type the HTTP API renders, as `application/problem+json`.
///
/// `type` is a stable URN per kind of problem; clients switch on it, never on `title` or `detail`.
public struct Problem: HTTPResponseError, Sendable {
    public struct Kind: Sendable, Hashable {
        /// A stable identifier, e.g. `urn:atrium:problem:not-found`.
        public let type: String
        public let title: String

        public init(_ slug: String, title: String) {
            self.type = "urn:atrium:problem:\(slug)"
            self.title = title
        }

        public static let notFound = Kind("not-found", title: "Not Found")
        public static let methodNotAllowed = Kind("method-not-allowed", title: "Method Not Allowed")
        public static let badRequest = Kind("bad-request", title: "Bad Request")
        public static let payloadTooLarge = Kind("payload-too-large", title: "Payload Too Large")
        public static let unsupportedMediaType = Kind("unsupported-media-type", title: "Unsupported Media Type")
        public static let unauthorized = Kind("unauthorized", title: "Unauthorized")
        public static let forbidden = Kind("forbidden", title: "Forbidden")
        public static let tooManyRequests = Kind("too-many-requests", title: "Too Many Requests")
        public static let serviceUnavailable = Kind("service-unavailable", title: "Service Unavailable")
        /// 400: a field, parameter or cursor broke a rule; `detail` names it (never echoing the value).
        public static let validation = Kind("validation", title: "Validation Failed")
        /// 409: the request clashes with the current state (an email taken, a plan already active).
        public static let conflict = Kind("conflict", title: "Conflict")
        /// 503: an upstream system did not answer usefully and no cached copy could be served.
        public static let upstreamUnavailable = Kind("upstream-unavailable", title: "Upstream Unavailable")
        public static let internalError = Kind("internal", title: "Internal Server Error")
        /// Any other status, keyed by its code so the type stays stable.
        static func httpStatus(_ status: HTTPResponse.Status) -> Kind {
            Kind("http-\(status.code)", title: status.reasonPhrase)
        }
    }

    public let status: HTTPResponse.Status
    public let kind: Kind
    /// Shown to the client: must never hold secrets, upstream bodies or another customer's data.
    public let detail: String?
    /// Extra response headers (`Allow` on a 405, `Retry-After` on a 429 or 503).
    public var headers: HTTPFields

    public init(_ kind: Kind, status: HTTPResponse.Status, detail: String? = nil, headers: HTTPFields = [:]) {
        self.kind = kind
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    public static let mediaType = "application/problem+json"

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String?
        let instance: String
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, instance
            case requestID = "request_id"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: kind.type,
            title: kind.title,
            status: status.code,
            detail: detail,
            instance: request.uri.path,
            requestID: context.id
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        var headers = self.headers
        headers[.contentType] = Self.mediaType
        return Response(
            status: status,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
