import BFF
import Foundation
import TestSupport
import Testing

/// The schema validator of the contract tests rejects what it must, so a response test cannot pass by accident.
@Suite("Contract schema validator")
struct ContractSchemaValidatorTests {
    static let document: JSONNode = [
        "components": [
            "schemas": [
                "Item": [
                    "type": "object",
                    "required": ["id", "at"],
                    "additionalProperties": false,
                    "properties": [
                        "id": ["type": "string", "minLength": 1],
                        "at": ["type": "string", "format": "date-time"],
                        "count": ["type": "integer", "minimum": 0, "maximum": 10],
                        "note": ["type": ["string", "null"]],
                        "state": ["type": "string", "enum": ["open", "closed"]],
                        "tags": ["type": "array", "items": ["type": "string"]],
                        "parent": ["anyOf": [["$ref": "#/components/schemas/Item"], ["type": "null"]]],
                    ],
                ]
            ]
        ]
    ]
    let validator = SchemaValidator(document: Self.document)
    static let valid: JSONNode = ["id": "a", "at": "2025-01-31T12:00:00Z", "count": 3, "note": nil, "state": "open", "tags": ["x"]]

    func errors(_ changes: [String: JSONNode?]) -> [String] {
        guard case .object(var members) = Self.valid else { return ["not an object"] }
        for (key, value) in changes { members[key] = value }
        return validator.validate(.object(members), schemaNamed: "Item")
    }

    @Test func acceptsAValidValue() {
        #expect(errors([:]).isEmpty)
        #expect(errors(["note": "text", "parent": Self.valid, "at": "2025-01-31T12:00:00.123+01:00"]).isEmpty)
    }

    @Test(arguments: [
        ("missing required", ["id": nil], "missing required member id"),
        ("wrong type", ["count": "3"], "expected integer"),
        ("fraction for integer", ["count": 1.5], "expected integer"),
        ("null where not nullable", ["state": .null], "expected string"),
        ("not in enum", ["state": "pending"], "is not one of"),
        ("undocumented member", ["extra": true], "undocumented member extra"),
        ("not a date-time", ["at": "31/01/2025"], "not an RFC 3339 date-time"),
        ("above maximum", ["count": 11], "is above"),
        ("too short", ["id": ""], "shorter than 1"),
        ("bad array item", ["tags": [1]], "$.tags[0]: expected string"),
        ("bad nested ref", ["parent": ["id": "b"]], "matches none of anyOf"),
    ] as [(String, [String: JSONNode?], String)])
    func rejects(_ name: String, _ changes: [String: JSONNode?], _ message: String) {
        let found = errors(changes)
        #expect(found.contains { $0.contains(message) }, "\(name): \(found)")
    }

    @Test func reportsUnsupportedKeywordsAndBrokenReferences() {
        #expect(validator.validate("x", against: ["type": "string", "uniqueItems": true]).contains { $0.contains("unsupported schema keyword uniqueItems") })
        #expect(validator.validate("x", against: ["$ref": "#/components/schemas/Nope"]).contains { $0.contains("unresolvable $ref") })
    }

    @Test func findsResponseSchemasThroughComponentResponses() {
        let document: JSONNode = [
            "paths": ["/x": ["get": ["responses": ["404": ["$ref": "#/components/responses/NotFound"]]]]],
            "components": ["responses": ["NotFound": ["content": ["application/problem+json": ["schema": ["type": "object"]]]]]],
        ]
        let validator = SchemaValidator(document: document)
        #expect(validator.responseSchema(path: "/x", method: "GET", status: 404, mediaType: "application/problem+json") == ["type": "object"])
        #expect(validator.responseSchema(path: "/x", method: "GET", status: 200, mediaType: "application/json") == nil)
    }
}
