/// A JSON Schema (2020-12, the dialect OpenAPI 3.1 uses) for one value of the contract.
///
/// Built from a few factories so every schema has a `type` or a `$ref`, nullability is spelled the 3.1 way
/// (`"type": ["string", "null"]`), and objects list what is required. Component schemas are referenced by name
/// with ``ref(_:)``; request and response bodies use only references, so client generators name every type.
package struct JSONSchema: Sendable, Hashable {
    package private(set) var node: [String: JSONNode]

    package init(_ node: [String: JSONNode]) { self.node = node }

    /// `#/components/schemas/<name>`.
    package static func ref(_ name: String) -> JSONSchema {
        JSONSchema(["$ref": .string(OpenAPIDocument.schemaPointer(name))])
    }

    package static func string(format: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, example: String? = nil) -> JSONSchema {
        var node: [String: JSONNode] = ["type": "string"]
        node["format"] = format.map(JSONNode.string)
        node["minLength"] = minLength.map(JSONNode.integer)
        node["maxLength"] = maxLength.map(JSONNode.integer)
        node["examples"] = example.map { [.string($0)] }
        return JSONSchema(node)
    }

    /// An ISO 8601 / RFC 3339 timestamp (the response encoder writes `2025-01-31T12:00:00Z`).
    package static var dateTime: JSONSchema { .string(format: "date-time") }

    /// A string from a closed set, e.g. a status.
    package static func enumeration(_ values: [String]) -> JSONSchema {
        JSONSchema(["type": "string", "enum": .array(values.map(JSONNode.string))])
    }

    /// A string that is always `value`.
    package static func constant(_ value: String) -> JSONSchema {
        JSONSchema(["type": "string", "const": .string(value)])
    }

    package static func integer(minimum: Int? = nil, maximum: Int? = nil, format: String? = "int64") -> JSONSchema {
        var node: [String: JSONNode] = ["type": "integer"]
        node["format"] = format.map(JSONNode.string)
        node["minimum"] = minimum.map(JSONNode.integer)
        node["maximum"] = maximum.map(JSONNode.integer)
        return JSONSchema(node)
    }

    package static var number: JSONSchema { JSONSchema(["type": "number", "format": "double"]) }
    package static var boolean: JSONSchema { JSONSchema(["type": "boolean"]) }

    package static func array(_ items: JSONSchema) -> JSONSchema {
        JSONSchema(["type": "array", "items": .object(items.node)])
    }

    /// An object with string keys and values of one schema (a JSON map).
    package static func map(_ values: JSONSchema) -> JSONSchema {
        JSONSchema(["type": "object", "additionalProperties": .object(values.node)])
    }

    /// An object with named properties.
    ///
    /// - Parameters:
    ///   - properties: each property and whether it is always present (`.required`) or may be left out (`.optional`).
    ///   - closed: `additionalProperties: false`, for what the server sends: an undocumented field then fails the
    ///     contract tests. Request bodies stay open (unknown members are ignored by the server).
    package static func object(_ properties: KeyValuePairs<String, Property>, closed: Bool) -> JSONSchema {
        object(properties.map { ($0.key, $0.value) }, closed: closed)
    }

    /// An object with named properties, from a list (so one list can extend another, as flat wire types do).
    package static func object(_ properties: [(String, Property)], closed: Bool) -> JSONSchema {
        var members: [String: JSONNode] = [:]
        var required: [JSONNode] = []
        for (name, property) in properties {
            members[name] = .object(property.schema.node)
            if property.isRequired { required.append(.string(name)) }
        }
        var node: [String: JSONNode] = ["type": "object", "properties": .object(members)]
        if !required.isEmpty { node["required"] = .array(required) }
        if closed { node["additionalProperties"] = false }
        return JSONSchema(node)
    }

    /// The same schema, also allowing `null` (a member the server writes as `null` when it has no value).
    package func nullable() -> JSONSchema {
        var node = self.node
        if node["$ref"] != nil {
            return JSONSchema(["anyOf": [.object(node), ["type": "null"]]])
        }
        switch node["type"] {
        case .string(let type): node["type"] = [.string(type), "null"]
        case .array(let types) where !types.contains("null"): node["type"] = .array(types + ["null"])
        default: break
        }
        if case .array(let values) = node["enum"], !values.contains(.null) { node["enum"] = .array(values + [.null]) }
        return JSONSchema(node)
    }

    /// The same schema with a `description` (shown by /docs and by generators as a doc comment).
    package func describe(_ text: String) -> JSONSchema {
        // A `description` beside `$ref` is valid in 3.1 (JSON Schema 2020-12); generators keep the referenced type.
        var copy = self
        copy.node["description"] = .string(text)
        return copy
    }

    /// One member of an object schema.
    package struct Property: Sendable {
        package let schema: JSONSchema
        package let isRequired: Bool

        /// Always present (a non-optional Swift property).
        package static func required(_ schema: JSONSchema, _ description: String? = nil) -> Property {
            Property(schema: description.map { schema.describe($0) } ?? schema, isRequired: true)
        }

        /// May be absent (an optional Swift property the encoder leaves out when nil).
        package static func optional(_ schema: JSONSchema, _ description: String? = nil) -> Property {
            Property(schema: description.map { schema.describe($0) } ?? schema, isRequired: false)
        }
    }
}
