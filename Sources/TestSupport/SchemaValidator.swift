package import BFF
import Foundation

/// Checks JSON values against the JSON Schema (2020-12) subset Atrium's OpenAPI document uses, resolving `$ref`s
/// inside that document.
///
/// Supported: `$ref`, `type` (one or an array of types), `properties`, `required`, `additionalProperties` (`false` or
/// a schema), `items`, `enum`, `const`, `anyOf`, `oneOf`, `allOf`, `minimum`/`maximum`, `minLength`/`maxLength`,
/// `pattern`, and `format: date-time` (loosely: RFC 3339 shape). A keyword outside this subset is reported as a
/// violation, so a schema can never pass because the validator ignored part of it.
package struct SchemaValidator: Sendable {
    package let document: JSONNode

    package init(document: JSONNode) { self.document = document }

    /// Keywords that only annotate (no assertion).
    static let annotations: Set<String> = ["description", "examples", "example", "default", "title", "deprecated", "readOnly", "writeOnly", "format"]
    static let assertions: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "oneOf", "allOf",
        "minimum", "maximum", "minLength", "maxLength", "pattern",
    ]

    /// Every violation of `schema` by `instance`, each as `<json path>: <what>`; empty when valid.
    package func validate(_ instance: JSONNode, against schema: JSONNode, at path: String = "$") -> [String] {
        guard case .object(let keywords) = schema else {
            if schema == .bool(true) { return [] }
            if schema == .bool(false) { return ["\(path): no value is allowed here"] }
            return ["\(path): the schema is not an object"]
        }
        var errors: [String] = []
        for keyword in keywords.keys where !Self.annotations.contains(keyword) && !Self.assertions.contains(keyword) {
            errors.append("\(path): unsupported schema keyword \(keyword)")
        }
        if let pointer = keywords["$ref"]?.stringValue {
            guard let target = document.resolve(pointer: pointer) else { return errors + ["\(path): unresolvable $ref \(pointer)"] }
            errors += validate(instance, against: target, at: path)
        }
        if let type = keywords["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            if !allowed.contains(where: { Self.instance(instance, hasType: $0) }) {
                // Nothing else can be said usefully about a value of the wrong type.
                return errors + ["\(path): expected \(allowed.joined(separator: " or ")), got \(Self.typeName(instance))"]
            }
        }
        if let values = keywords["enum"]?.arrayValue, !values.contains(instance) {
            errors.append("\(path): \(Self.short(instance)) is not one of \(values.map(Self.short).joined(separator: ", "))")
        }
        if let value = keywords["const"], value != instance {
            errors.append("\(path): \(Self.short(instance)) is not \(Self.short(value))")
        }
        errors += validateCombinators(instance, keywords, path)
        errors += validateScalar(instance, keywords, path)
        if case .object(let members) = instance { errors += validateObject(members, keywords, path) }
        if case .array(let items) = instance, let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() { errors += validate(item, against: itemSchema, at: "\(path)[\(index)]") }
        }
        return errors
    }

    /// Validates against the component schema `name` (`#/components/schemas/<name>`).
    package func validate(_ instance: JSONNode, schemaNamed name: String) -> [String] {
        validate(instance, against: ["$ref": .string("#/components/schemas/\(name)")])
    }

    /// The schema the document gives for a response body, following `$ref`s to `components/responses`.
    ///
    /// - Returns: nil when the document has no such path, method, status or media type.
    package func responseSchema(path: String, method: String, status: Int, mediaType: String) -> JSONNode? {
        guard var response = document["paths"]?[path]?[method.lowercased()]?["responses"]?[String(status)] else { return nil }
        if let pointer = response["$ref"]?.stringValue {
            guard let target = document.resolve(pointer: pointer) else { return nil }
            response = target
        }
        return response["content"]?[mediaType]?["schema"]
    }

    private func validateCombinators(_ instance: JSONNode, _ keywords: [String: JSONNode], _ path: String) -> [String] {
        var errors: [String] = []
        if let members = keywords["allOf"]?.arrayValue {
            for member in members { errors += validate(instance, against: member, at: path) }
        }
        if let members = keywords["anyOf"]?.arrayValue {
            let results = members.map { validate(instance, against: $0, at: path) }
            if !results.contains(where: \.isEmpty) {
                errors.append("\(path): matches none of anyOf (\(results.map { $0.joined(separator: "; ") }.joined(separator: " | ")))")
            }
        }
        if let members = keywords["oneOf"]?.arrayValue {
            let matching = members.filter { validate(instance, against: $0, at: path).isEmpty }.count
            if matching != 1 { errors.append("\(path): matches \(matching) of oneOf, not exactly one") }
        }
        return errors
    }

    private func validateScalar(_ instance: JSONNode, _ keywords: [String: JSONNode], _ path: String) -> [String] {
        var errors: [String] = []
        let number: Double? =
            switch instance {
            case .integer(let value): Double(value)
            case .number(let value): value
            default: nil
            }
        if let number {
            if let minimum = Self.number(keywords["minimum"]), number < minimum { errors.append("\(path): \(number) is below \(minimum)") }
            if let maximum = Self.number(keywords["maximum"]), number > maximum { errors.append("\(path): \(number) is above \(maximum)") }
        }
        if case .string(let text) = instance {
            if let minimum = keywords["minLength"]?.intValue, text.count < minimum { errors.append("\(path): shorter than \(minimum)") }
            if let maximum = keywords["maxLength"]?.intValue, text.count > maximum { errors.append("\(path): longer than \(maximum)") }
            if let pattern = keywords["pattern"]?.stringValue {
                if let regex = try? Regex(pattern) {
                    if (try? regex.firstMatch(in: text)) == nil { errors.append("\(path): \(Self.short(instance)) does not match \(pattern)") }
                } else {
                    errors.append("\(path): pattern \(pattern) is not a valid regular expression")
                }
            }
            if keywords["format"]?.stringValue == "date-time", (try? Self.dateTime.wholeMatch(in: text)) == nil {
                errors.append("\(path): \(Self.short(instance)) is not an RFC 3339 date-time")
            }
        }
        return errors
    }

    private func validateObject(_ members: [String: JSONNode], _ keywords: [String: JSONNode], _ path: String) -> [String] {
        var errors: [String] = []
        let properties = keywords["properties"]?.objectValue ?? [:]
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            errors.append("\(path): missing required member \(name)")
        }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                errors += validate(value, against: schema, at: "\(path).\(name)")
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    errors.append("\(path): undocumented member \(name)")
                } else {
                    errors += validate(value, against: additional, at: "\(path).\(name)")
                }
            }
        }
        return errors
    }

    /// `2025-01-31T12:00:00Z`, with optional fractional seconds and a `Z` or `±hh:mm` offset.
    nonisolated(unsafe) static let dateTime = /\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})/

    static func instance(_ instance: JSONNode, hasType type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .integer): true
        case ("integer", .number(let value)): value.rounded() == value
        case ("number", .integer), ("number", .number): true
        default: false
        }
    }

    static func typeName(_ instance: JSONNode) -> String {
        switch instance {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    static func number(_ node: JSONNode?) -> Double? {
        switch node {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// A value for a message: short, so a long body never floods the test output.
    static func short(_ value: JSONNode) -> String {
        let text = (try? value.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
