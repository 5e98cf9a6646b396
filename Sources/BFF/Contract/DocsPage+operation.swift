/// One operation of `/docs`: method, path, summary, security, parameters, request body and responses.
extension DocsPage {
    func render(_ operation: Operation) -> String {
        let node = operation.node
        var out = "<article id=\"op-\(Self.escape(operation.id))\">\n"
        out += "<h3><span class=\"method \(Self.escape(operation.method))\">\(operation.method.uppercased())</span> "
        out += "<code>\(Self.escape(operation.path))</code> <span class=\"muted\">\(Self.escape(node["summary"]?.stringValue ?? ""))</span></h3>\n"
        out += "<p class=\"muted\">operationId <code>\(Self.escape(operation.id))</code> · \(security(of: node))</p>\n"
        out += Self.markdown(node["description"]?.stringValue ?? "")
        out += parameters(of: node)
        out += requestBody(of: node)
        out += responses(of: node)
        return out + "</article>\n"
    }

    func security(of node: JSONNode) -> String {
        let alternatives = node["security"]?.arrayValue ?? []
        if alternatives.isEmpty { return "no authentication" }
        let names = alternatives.map { alternative in
            let keys = (alternative.objectValue ?? [:]).keys.sorted()
            return keys.isEmpty ? "none" : keys.map { "<a href=\"#security-\(Self.escape($0))\"><code>\(Self.escape($0))</code></a>" }.joined(separator: " + ")
        }
        return "authentication: " + names.joined(separator: " or ")
    }

    func parameters(of node: JSONNode) -> String {
        let parameters = (node["parameters"]?.arrayValue ?? []).map(resolved)
        guard !parameters.isEmpty else { return "" }
        var out = "<h4>Parameters</h4>\n<table>\n<tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr>\n"
        for parameter in parameters {
            out += "<tr><td><code>\(Self.escape(parameter["name"]?.stringValue ?? ""))</code></td>"
            out += "<td>\(Self.escape(parameter["in"]?.stringValue ?? ""))</td>"
            out += "<td>\(typeText(parameter["schema"] ?? [:]))</td>"
            out += "<td>\(parameter["required"]?.boolValue == true ? "yes" : "no")</td>"
            out += "<td>\(Self.inline(parameter["description"]?.stringValue ?? ""))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    func requestBody(of node: JSONNode) -> String {
        guard let body = node["requestBody"] else { return "" }
        var out = "<h4>Request body\(body["required"]?.boolValue == true ? " (required)" : "")</h4>\n"
        out += Self.markdown(body["description"]?.stringValue ?? "")
        for (mediaType, content) in (body["content"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let schema = content["schema"] ?? [:]
            out += "<p><code>\(Self.escape(mediaType))</code>: \(typeText(schema))</p>\n"
            out += schemaBody(resolved(schema))
        }
        return out
    }

    func responses(of node: JSONNode) -> String {
        var out = "<h4>Responses</h4>\n<table>\n<tr><th>Status</th><th>Description</th><th>Body</th><th>Headers</th></tr>\n"
        let responses = (node["responses"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        for (status, reference) in responses {
            let response = resolved(reference)
            let bodies = (response["content"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { mediaType, content in
                "<code>\(Self.escape(mediaType))</code> \(typeText(content["schema"] ?? [:]))"
            }
            let headers = (response["headers"]?.objectValue ?? [:]).keys.sorted().map { "<code>\(Self.escape($0))</code>" }
            out += "<tr><td><strong>\(Self.escape(status))</strong></td><td>\(Self.inline(response["description"]?.stringValue ?? ""))</td>"
            out += "<td>\(bodies.isEmpty ? "—" : bodies.joined(separator: "<br>"))</td><td>\(headers.joined(separator: " "))</td></tr>\n"
        }
        return out + "</table>\n"
    }
}
