import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import TestSupport
import Testing

/// Sends one request and checks its answer against the contract: the status is documented for the operation, the
/// body matches the schema of that status and media type, and the API's own response headers are declared.
final class ContractChecker: Sendable {
    let document = OpenAPIDocument.atrium.json
    let validator: SchemaValidator
    private let seen = NIOLockedValueBox<[(method: String, path: String, status: Int)]>([])

    /// Response headers the contract must declare when a response carries them (security headers and
    /// `Cache-Control` are the edge's, the same on every response, and described once in the overview).
    static let declaredHeaders = ["X-Request-ID", "X-Cache", "Set-Cookie", "Idempotency-Replayed", "RateLimit", "RateLimit-Policy", "Retry-After", "ETag", "WWW-Authenticate"]

    init() { validator = SchemaValidator(document: document) }

    /// The operations checked so far, as (`GET`, `/api/v1/sims/{id}`) pairs.
    var checked: Set<Pair> { Set(seen.withLockedValue { $0 }.map { Pair(method: $0.method, path: $0.path) }) }

    struct Pair: Hashable { let method: String, path: String }

    /// Sends the request and checks the answer; returns the body as JSON (`null` when empty or not JSON).
    ///
    /// - Parameters:
    ///   - template: the contract path when `uri` has parameters or a query (e.g. `/api/v1/sims/{id}`).
    ///   - expect: the status the scenario expects (checked too, so a flow cannot drift silently).
    @discardableResult
    func check(
        _ client: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        template: String? = nil,
        token: String? = nil,
        json: String? = nil,
        headers: HTTPFields = [:],
        expect: HTTPResponse.Status = .ok,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONNode {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let path = template ?? uri
        let label = "\(method.rawValue) \(path) → \(response.status.code)"
        #expect(response.status == expect, "\(label): expected \(expect.code): \(String(buffer: response.body).prefix(300))", sourceLocation: sourceLocation)
        let operation = try #require(document["paths"]?[path]?[method.rawValue.lowercased()], "\(method.rawValue) \(path) is not in the contract", sourceLocation: sourceLocation)
        let documented = try #require(
            operation["responses"]?[String(response.status.code)].map(resolved),
            "\(label) is not a documented response",
            sourceLocation: sourceLocation
        )
        seen.withLockedValue { $0.append((method.rawValue, path, response.status.code)) }

        let body = try Self.json(response)
        let content = documented["content"]?.objectValue ?? [:]
        if content.isEmpty {
            #expect(response.body.readableBytes == 0, "\(label) has a body the contract does not describe", sourceLocation: sourceLocation)
        } else {
            let mediaType = response.headers[.contentType].flatMap { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } } ?? "none"
            let schema = try #require(content[mediaType]?["schema"], "\(label): media type \(mediaType) is not documented", sourceLocation: sourceLocation)
            if mediaType.hasSuffix("json") {
                let errors = validator.validate(body, against: schema)
                #expect(errors.isEmpty, "\(label) does not match the contract:\n\(errors.joined(separator: "\n"))", sourceLocation: sourceLocation)
            } else {
                #expect(validator.validate(.string(String(buffer: response.body)), against: schema).isEmpty, "\(label)", sourceLocation: sourceLocation)
            }
        }
        let declared = Set((documented["headers"]?.objectValue ?? [:]).keys.map { $0.lowercased() })
        for name in Self.declaredHeaders {
            guard let field = HTTPField.Name(name), response.headers[field] != nil else { continue }
            #expect(declared.contains(name.lowercased()), "\(label) sends \(name), which the contract does not declare", sourceLocation: sourceLocation)
        }
        return body
    }

    func resolved(_ node: JSONNode) -> JSONNode {
        node["$ref"]?.stringValue.flatMap { document.resolve(pointer: $0) } ?? node
    }

    /// The body as JSON; `null` for an empty or non-JSON body.
    static func json(_ response: TestResponse) throws -> JSONNode {
        guard response.body.readableBytes > 0, response.headers[.contentType]?.contains("json") == true else { return .null }
        return try JSONNode.parse(Data(response.body.readableBytesView))
    }
}
