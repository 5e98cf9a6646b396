import BFF
import Foundation
import TestSupport
import Testing

/// The OpenAPI document is valid and good enough to generate a client from: every reference resolves, every
/// operation is named, tagged, answered and fully parameterised, and every body is a named schema with types.
@Suite("OpenAPI document structure")
struct ContractDocumentTests {
    let document = OpenAPIDocument.atrium.json
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Every operation as (path, method, operation object).
    var operations: [(path: String, method: String, node: JSONNode)] {
        (document["paths"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.flatMap { path, item in
            (item.objectValue ?? [:]).filter { Self.methods.contains($0.key) }.sorted { $0.key < $1.key }.map { (path, $0.key, $0.value) }
        }
    }

    func resolved(_ node: JSONNode) -> JSONNode {
        node["$ref"]?.stringValue.flatMap { document.resolve(pointer: $0) } ?? node
    }

    @Test func identifiesItselfAsOpenAPI31() {
        #expect(document["openapi"] == "3.1.0")
        #expect(document["info"]?["title"] == "Atrium")
        #expect(document["info"]?["version"]?.stringValue?.isEmpty == false)
        #expect(document["servers"]?.arrayValue?.isEmpty == false)
        #expect(!operations.isEmpty)
    }

    @Test func everyReferenceResolves() {
        var references: [(at: String, pointer: String)] = []
        func walk(_ node: JSONNode, _ at: String) {
            switch node {
            case .object(let members):
                if let pointer = members["$ref"]?.stringValue { references.append((at, pointer)) }
                for (key, value) in members { walk(value, "\(at)/\(key)") }
            case .array(let items):
                for (index, item) in items.enumerated() { walk(item, "\(at)/\(index)") }
            default:
                break
            }
        }
        walk(document, "#")
        #expect(references.count > 10)
        for reference in references {
            #expect(reference.pointer.hasPrefix("#/components/"), "\(reference.at) points outside components: \(reference.pointer)")
            #expect(document.resolve(pointer: reference.pointer) != nil, "\(reference.at): \(reference.pointer) does not resolve")
        }
    }

    @Test func operationIDsAreUniqueAndCamelCase() throws {
        let ids = operations.compactMap { $0.node["operationId"]?.stringValue }
        #expect(ids.count == operations.count, "an operation has no operationId")
        #expect(Set(ids).count == ids.count, "duplicate operationIds: \(Dictionary(grouping: ids) { $0 }.filter { $0.value.count > 1 }.keys.sorted())")
        let camelCase = try Regex("^[a-z][a-zA-Z0-9]*$")
        for id in ids { #expect(id.wholeMatch(of: camelCase) != nil, "\(id) is not camelCase") }
        // The builder would silently merge two operations on one method and path; the source list must not have any.
        let keys = OpenAPIDocument.atrium.operations.map { "\($0.method) \($0.path)" }
        #expect(Set(keys).count == keys.count, "an operation is declared twice")
    }

    @Test func everyOperationIsTaggedSummarisedAndAnswered() {
        let declaredTags = Set((document["tags"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        var usedTags: Set<String> = []
        for operation in operations {
            let label = "\(operation.method.uppercased()) \(operation.path)"
            let tags = operation.node["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(!tags.isEmpty, "\(label) has no tag")
            for tag in tags { #expect(declaredTags.contains(tag), "\(label): tag \(tag) is not declared") }
            usedTags.formUnion(tags)
            #expect(operation.node["summary"]?.stringValue?.isEmpty == false, "\(label) has no summary")
            #expect(operation.node["description"]?.stringValue?.isEmpty == false, "\(label) has no description")
            #expect(operation.node["security"]?.arrayValue != nil, "\(label) does not say its security")
            let responses = operation.node["responses"]?.objectValue ?? [:]
            #expect(responses.keys.contains { $0.hasPrefix("2") || $0.hasPrefix("3") }, "\(label) has no success response")
            for (status, response) in responses {
                #expect(Int(status).map { (100..<600).contains($0) } == true, "\(label): \(status) is not a status code")
                let headers = resolved(response)["headers"]?.objectValue ?? [:]
                #expect(headers["X-Request-ID"] != nil, "\(label) \(status) does not declare X-Request-ID")
            }
        }
        #expect(usedTags == declaredTags, "tags without operations: \(declaredTags.subtracting(usedTags).sorted())")
    }

    @Test func securityNamesDeclaredSchemes() {
        let schemes = Set((document["components"]?["securitySchemes"]?.objectValue ?? [:]).keys)
        #expect(schemes == ["portalBearer", "adminBearer", "refreshCookie"])
        for operation in operations {
            for alternative in operation.node["security"]?.arrayValue ?? [] {
                for name in (alternative.objectValue ?? [:]).keys {
                    #expect(schemes.contains(name), "\(operation.method) \(operation.path): unknown security scheme \(name)")
                }
            }
        }
    }

    @Test func pathParametersMatchTheTemplate() {
        for operation in operations {
            let label = "\(operation.method.uppercased()) \(operation.path)"
            let inTemplate = operation.path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
            let parameters = (operation.node["parameters"]?.arrayValue ?? []).map(resolved)
            let declared = parameters.filter { $0["in"] == "path" }
            #expect(Set(declared.compactMap { $0["name"]?.stringValue }) == Set(inTemplate), "\(label): path parameters differ from the template")
            #expect(declared.allSatisfy { $0["required"] == true }, "\(label): a path parameter is not required")
            for parameter in parameters {
                #expect(parameter["schema"]?["type"] != nil, "\(label): parameter \(parameter["name"]?.stringValue ?? "?") has no schema type")
                #expect(parameter["description"]?.stringValue?.isEmpty == false, "\(label): parameter \(parameter["name"]?.stringValue ?? "?") has no description")
            }
            let names = parameters.compactMap { p in p["name"]?.stringValue.map { "\(p["in"]?.stringValue ?? ""):\($0)" } }
            #expect(Set(names).count == names.count, "\(label): a parameter is declared twice")
        }
    }

    @Test func everyMutationTakesAnIdempotencyKey() {
        // Webhook receivers are not API mutations: they de-duplicate by the upstream's event id.
        let mutations = operations.filter { ["post", "put", "patch", "delete"].contains($0.method) && $0.path.hasPrefix("/api/") }
        #expect(!mutations.isEmpty)
        for operation in mutations {
            let label = "\(operation.method.uppercased()) \(operation.path)"
            let references = (operation.node["parameters"]?.arrayValue ?? []).compactMap { $0["$ref"]?.stringValue }
            let parameters = (operation.node["parameters"]?.arrayValue ?? []).map(resolved)
            #expect(parameters.contains { $0["name"] == "Idempotency-Key" && $0["in"] == "header" }, "\(label) does not document Idempotency-Key")
            let responses = operation.node["responses"]?.objectValue ?? [:]
            #expect(responses["400"] != nil, "\(label): a malformed Idempotency-Key is 400")
            // Where keys replay (every signed-in mutation outside /auth), the in-flight 409 and the mismatch 422 exist.
            if references.contains("#/components/parameters/IdempotencyKey") {
                #expect(responses["409"] != nil && responses["422"] != nil, "\(label): idempotency 409/422 missing")
                #expect(!operation.path.hasPrefix("/api/v1/auth/"), "\(label): auth answers are never replayed")
            } else {
                #expect(references.contains("#/components/parameters/IdempotencyKeyValidated"), "\(label)")
                #expect(operation.path.hasPrefix("/api/v1/auth/"), "\(label): a signed-in mutation outside /auth must replay")
            }
        }
    }

    @Test func bodiesAreNamedComponentSchemas() {
        for operation in operations {
            let label = "\(operation.method.uppercased()) \(operation.path)"
            if let body = operation.node["requestBody"] {
                for (mediaType, content) in body["content"]?.objectValue ?? [:] {
                    #expect(content["schema"]?["$ref"]?.stringValue?.hasPrefix("#/components/schemas/") == true, "\(label): inline request schema for \(mediaType)")
                }
            }
            for (status, reference) in operation.node["responses"]?.objectValue ?? [:] {
                let response = resolved(reference)
                for (mediaType, content) in response["content"]?.objectValue ?? [:] {
                    #expect(content["schema"]?["$ref"]?.stringValue?.hasPrefix("#/components/schemas/") == true, "\(label) \(status): inline schema for \(mediaType)")
                }
                // Errors are the shared problem responses; the one exception is a 503 that still carries its
                // operation's own named body (the readiness report), never an ad-hoc problem.
                if let code = Int(status), code >= 400 {
                    if reference["$ref"] != nil {
                        #expect(reference["$ref"]?.stringValue?.hasPrefix("#/components/responses/") == true, "\(label) \(status)")
                        #expect(response["content"]?["application/problem+json"]?["schema"]?["$ref"] == "#/components/schemas/Problem", "\(label) \(status): not a problem")
                    } else {
                        #expect(response["content"]?["application/problem+json"] == nil, "\(label) \(status): a problem outside components/responses")
                        #expect(operation.path == "/ready" && status == "503", "\(label) \(status): an error not from components/responses")
                    }
                }
                if status == "429" {
                    let headers = Set((response["headers"]?.objectValue ?? [:]).keys)
                    #expect(headers.isSuperset(of: ["Retry-After", "RateLimit", "RateLimit-Policy"]), "\(label) 429 lacks rate-limit headers")
                }
            }
        }
    }

    @Test func everySchemaHasATypeAndConsistentRequiredMembers() {
        var problems: [String] = []
        func check(_ schema: JSONNode, _ at: String) {
            guard let members = schema.objectValue else { return problems.append("\(at): not an object") }
            let combinator = ["anyOf", "oneOf", "allOf"].first { members[$0] != nil }
            if members["type"] == nil && members["$ref"] == nil && combinator == nil { problems.append("\(at): no type") }
            if let combinator { for (index, member) in (members[combinator]?.arrayValue ?? []).enumerated() { check(member, "\(at)/\(combinator)/\(index)") } }
            let properties = members["properties"]?.objectValue ?? [:]
            for (name, property) in properties { check(property, "\(at)/properties/\(name)") }
            for name in members["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where properties[name] == nil {
                problems.append("\(at): required \(name) is not a property")
            }
            if let items = members["items"] { check(items, "\(at)/items") }
            if let additional = members["additionalProperties"], additional.objectValue != nil { check(additional, "\(at)/additionalProperties") }
            if members["type"]?.stringValue == "array" && members["items"] == nil { problems.append("\(at): array without items") }
        }
        let schemas = document["components"]?["schemas"]?.objectValue ?? [:]
        #expect(schemas["Problem"] != nil)
        for (name, schema) in schemas { check(schema, "#/components/schemas/\(name)") }
        for (name, parameter) in document["components"]?["parameters"]?.objectValue ?? [:] { check(parameter["schema"] ?? nil, "#/components/parameters/\(name)") }
        for (name, header) in document["components"]?["headers"]?.objectValue ?? [:] { check(header["schema"] ?? nil, "#/components/headers/\(name)") }
        #expect(problems.isEmpty, "\(problems.sorted().joined(separator: "\n"))")
    }

    @Test func problemSchemaMatchesTheProblemBody() {
        let validator = SchemaValidator(document: document)
        let body: JSONNode = ["type": "urn:atrium:problem:not-found", "title": "Not Found", "status": 404, "instance": "/x", "request_id": "abc"]
        #expect(validator.validate(body, schemaNamed: "Problem").isEmpty)
    }
}
