import Foundation

/// Schemas as people read them on `/docs`, and the small text helpers of the page.
extension DocsPage {
    /// A property table for an object schema; nothing for other schemas (their type says it all).
    func schemaBody(_ schema: JSONNode) -> String {
        guard let properties = schema["properties"]?.objectValue, !properties.isEmpty else {
            if schema["type"]?.stringValue == "object" || schema["$ref"] != nil { return "" }
            return "<p>Type: \(typeText(schema))</p>\n"
        }
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        var out = "<table>\n<tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr>\n"
        for (name, property) in properties.sorted(by: { $0.key < $1.key }) {
            out += "<tr><td><code>\(Self.escape(name))</code></td><td>\(typeText(property))</td>"
            out += "<td>\(required.contains(name) ? "yes" : "no")</td>"
            out += "<td>\(Self.inline(property["description"]?.stringValue ?? ""))</td></tr>\n"
        }
        out += "</table>\n"
        if schema["additionalProperties"]?.boolValue == false {
            out += "<p class=\"muted\">No other fields.</p>\n"
        }
        return out
    }

    /// A one-line, linked description of a schema's type, e.g. `array of <Invoice>`, `string (date-time) | null`.
    func typeText(_ schema: JSONNode) -> String {
        if let pointer = schema["$ref"]?.stringValue {
            let name = pointer.split(separator: "/").last.map(String.init) ?? pointer
            return "<a href=\"#schema-\(Self.escape(name))\">\(Self.escape(name))</a>"
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            if let members = schema[combinator]?.arrayValue {
                return members.map(typeText).joined(separator: combinator == "allOf" ? " &amp; " : " | ")
            }
        }
        if let value = schema["const"] {
            return "<code>\(Self.escape(Self.literal(value)))</code>"
        }
        if let values = schema["enum"]?.arrayValue {
            return values.map { "<code>\(Self.escape(Self.literal($0)))</code>" }.joined(separator: " | ")
        }
        let types: [String] = schema["type"]?.arrayValue?.compactMap(\.stringValue) ?? schema["type"]?.stringValue.map { [$0] } ?? ["any"]
        return types.map { type in
            switch type {
            case "array":
                return "array of \(typeText(schema["items"] ?? [:]))"
            case "object":
                if let values = schema["additionalProperties"], values.objectValue != nil { return "map of \(typeText(values))" }
                return "object"
            default:
                var qualifiers: [String] = []
                if let format = schema["format"]?.stringValue { qualifiers.append(format) }
                if let minimum = schema["minimum"]?.intValue { qualifiers.append("≥ \(minimum)") }
                if let maximum = schema["maximum"]?.intValue { qualifiers.append("≤ \(maximum)") }
                if let minLength = schema["minLength"]?.intValue { qualifiers.append("min length \(minLength)") }
                if let maxLength = schema["maxLength"]?.intValue { qualifiers.append("max length \(maxLength)") }
                return qualifiers.isEmpty ? type : "\(type) (\(Self.escape(qualifiers.joined(separator: ", "))))"
            }
        }.joined(separator: " | ")
    }

    static func literal(_ value: JSONNode) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .bool(let flag): String(flag)
        case .null: "null"
        default: "…"
        }
    }

    /// Escapes text for HTML element content and double-quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The little Markdown the document uses, inline: `code` and **strong**, on escaped text.
    static func inline(_ text: String) -> String {
        var out = ""
        var inCode = false
        var inStrong = false
        var rest = Substring(escape(text))
        while let first = rest.first {
            if first == "`" {
                out += inCode ? "</code>" : "<code>"
                inCode.toggle()
                rest = rest.dropFirst()
            } else if !inCode && rest.hasPrefix("**") {
                out += inStrong ? "</strong>" : "<strong>"
                inStrong.toggle()
                rest = rest.dropFirst(2)
            } else {
                out.append(first)
                rest = rest.dropFirst()
            }
        }
        if inCode { out += "</code>" }
        if inStrong { out += "</strong>" }
        return out
    }

    /// Paragraphs (split on blank lines), each rendered with ``inline(_:)``.
    static func markdown(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .map { "<p>\(inline($0))</p>\n" }.joined()
    }
}
