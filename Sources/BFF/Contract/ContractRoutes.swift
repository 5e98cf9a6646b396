import Crypto
import Foundation
public import Hummingbird
import Logging

/// `GET /openapi.json` (the OpenAPI 3.1 contract) and `GET /docs` (the same contract as an HTML page).
///
/// Both bodies are rendered once, when the routes are added, and served with a strong `ETag` so clients
/// revalidate with `If-None-Match` and get a 304 until the server's contract changes.
public enum ContractRoutes {
    public static func add(to router: Router<AppRequestContext>, services: AppServices) {
        let published: PublishedContract
        do {
            published = try PublishedContract(document: OpenAPIDocument.atrium)
        } catch {
            // Only a non-finite number could fail to encode; the contract routes then answer 500, loudly.
            services.logger.error("could not render the OpenAPI document", metadata: ["error": "\(error)"])
            router.get("openapi.json") { _, _ -> Response in throw Problem(.internalError, status: .internalServerError) }
            router.get("docs") { _, _ -> Response in throw Problem(.internalError, status: .internalServerError) }
            return
        }
        router.get("openapi.json") { request, _ in
            published.json.response(to: request)
        }
        router.get("docs") { request, _ in
            published.docs.response(to: request)
        }
    }
}

/// The rendered contract: bytes, media type and entity tag of each representation.
struct PublishedContract: Sendable {
    struct Representation: Sendable {
        let body: ByteBuffer
        let contentType: String
        /// A strong entity tag: the first 128 bits of the body's SHA-256, quoted.
        let eTag: String
        let extraHeaders: HTTPFields

        init(data: Data, contentType: String, extraHeaders: HTTPFields = [:]) {
            self.body = ByteBuffer(bytes: data)
            self.contentType = contentType
            self.eTag = "\"\(SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined())\""
            self.extraHeaders = extraHeaders
        }

        /// 200 with the body, or 304 when `If-None-Match` names this representation.
        func response(to request: Request) -> Response {
            var headers = extraHeaders
            headers[.eTag] = eTag
            // Revalidate every time: cheap (a 304), and a new deployment's contract is seen at once.
            headers[.cacheControl] = "no-cache"
            if Self.matches(request.headers[values: .ifNoneMatch], eTag: eTag) {
                return Response(status: .notModified, headers: headers)
            }
            headers[.contentType] = contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }

        /// RFC 9110 weak comparison over a list of entity tags, or `*`.
        static func matches(_ values: [String], eTag: String) -> Bool {
            let candidates = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            return candidates.contains { candidate in
                candidate == "*" || (candidate.hasPrefix("W/") ? String(candidate.dropFirst(2)) : candidate) == eTag
            }
        }
    }

    let json: Representation
    let docs: Representation

    init(document: OpenAPIDocument) throws {
        let node = document.json
        json = Representation(data: try node.encoded(), contentType: "application/json")
        let page = DocsPage(document: node)
        // The page's own policy: nothing but its one inline stylesheet, allowed by hash; no scripts at all.
        let styleHash = Data(SHA256.hash(data: Data(DocsPage.style.utf8))).base64EncodedString()
        let policy = "default-src 'none'; style-src 'sha256-\(styleHash)'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        docs = Representation(
            data: Data(page.html.utf8),
            contentType: "text/html; charset=utf-8",
            extraHeaders: [.contentSecurityPolicy: policy]
        )
    }
}
