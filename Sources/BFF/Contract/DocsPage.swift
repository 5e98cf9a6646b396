/// The HTML of `GET /docs`, rendered from the OpenAPI document itself, so people read exactly what client
/// generators read.
///
/// Self-contained: one inline style block (allowed by its hash in the page's own CSP), no scripts, no fonts or
/// images from elsewhere; everything is readable without JavaScript.
package struct DocsPage: Sendable {
    let document: JSONNode

    package init(document: JSONNode) { self.document = document }

    /// The page's only stylesheet, inline; `ContractRoutes` allows it by hash in `Content-Security-Policy`.
    package static let style = """
        body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}
        header,main,nav{max-width:70rem;margin:0 auto;padding:0 1.25rem}
        header{border-bottom:1px solid #d0d7de;padding-bottom:.5rem}
        nav ul{columns:2;list-style:none;padding-left:0}nav ul ul{columns:1;padding-left:1rem;font-size:.9em}
        code{font:13px ui-monospace,monospace;background:#f3f4f6;padding:0 .25em;border-radius:3px}
        table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
        th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
        article{border:1px solid #d0d7de;border-radius:6px;padding:0 1rem;margin:1rem 0}
        .method{display:inline-block;min-width:4rem;text-align:center;color:#fff;border-radius:4px;padding:0 .4rem;font-size:.8em}
        .get{background:#0969da}.post{background:#1a7f37}.put,.patch{background:#9a6700}.delete{background:#cf222e}
        .muted{color:#57606a}h3{font-size:1.05rem}
        """

    package var html: String {
        var out = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(Self.escape(title)) API \(Self.escape(version))</title>\n<style>\(Self.style)</style>\n</head>\n<body>\n"
        out += "<header>\n<h1>\(Self.escape(title)) API <small class=\"muted\">\(Self.escape(version))</small></h1>\n"
        out += "<p>OpenAPI \(Self.escape(document["openapi"]?.stringValue ?? "")) · the machine-readable contract: "
        out += "<a href=\"/openapi.json\"><code>/openapi.json</code></a></p>\n</header>\n"
        out += navigation
        out += "<main>\n<section id=\"overview\">\n<h2>Overview</h2>\n"
        out += Self.markdown(document["info"]?["description"]?.stringValue ?? "")
        out += securitySchemes
        out += "</section>\n"
        for tag in tags {
            out += "<section id=\"tag-\(Self.escape(tag.name))\">\n<h2>\(Self.escape(tag.name))</h2>\n\(Self.markdown(tag.description))"
            for operation in operations where operation.tag == tag.name {
                out += render(operation)
            }
            out += "</section>\n"
        }
        out += schemasSection
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    // MARK: - Reading the document

    struct Operation {
        let method: String
        let path: String
        let node: JSONNode
        var id: String { node["operationId"]?.stringValue ?? "\(method)-\(path)" }
        var tag: String { node["tags"]?.arrayValue?.first?.stringValue ?? "" }
    }

    var title: String { document["info"]?["title"]?.stringValue ?? "API" }
    var version: String { document["info"]?["version"]?.stringValue ?? "" }

    var tags: [(name: String, description: String)] {
        (document["tags"]?.arrayValue ?? []).compactMap { tag in
            tag["name"]?.stringValue.map { ($0, tag["description"]?.stringValue ?? "") }
        }
    }

    /// Every operation, by path and then in the usual method order.
    var operations: [Operation] {
        let order = ["get", "post", "put", "patch", "delete"]
        return (document["paths"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.flatMap { path, item in
            (item.objectValue ?? [:]).sorted { (order.firstIndex(of: $0.key) ?? 9) < (order.firstIndex(of: $1.key) ?? 9) }
                .map { Operation(method: $0.key, path: path, node: $0.value) }
        }
    }

    /// `$ref`s resolved (parameters, responses), or the node itself.
    func resolved(_ node: JSONNode) -> JSONNode {
        if let pointer = node["$ref"]?.stringValue, let target = document.resolve(pointer: pointer) { return target }
        return node
    }

    // MARK: - Sections

    var navigation: String {
        var out = "<nav>\n<h2>Contents</h2>\n<ul>\n<li><a href=\"#overview\">Overview</a></li>\n"
        for tag in tags {
            out += "<li><a href=\"#tag-\(Self.escape(tag.name))\">\(Self.escape(tag.name))</a>\n<ul>\n"
            for operation in operations where operation.tag == tag.name {
                out += "<li><a href=\"#op-\(Self.escape(operation.id))\">\(operation.method.uppercased()) \(Self.escape(operation.path))</a></li>\n"
            }
            out += "</ul>\n</li>\n"
        }
        out += "<li><a href=\"#schemas\">Schemas</a></li>\n</ul>\n</nav>\n"
        return out
    }

    var securitySchemes: String {
        let schemes = (document["components"]?["securitySchemes"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        var out = "<h3>Security schemes</h3>\n<table>\n<tr><th>Name</th><th>Kind</th><th>Description</th></tr>\n"
        for (name, scheme) in schemes {
            let kind = [scheme["type"], scheme["scheme"], scheme["bearerFormat"], scheme["in"], scheme["name"]].compactMap { $0?.stringValue }
            out += "<tr><td id=\"security-\(Self.escape(name))\"><code>\(Self.escape(name))</code></td>"
            out += "<td>\(Self.escape(kind.joined(separator: " · ")))</td><td>\(Self.inline(scheme["description"]?.stringValue ?? ""))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    var schemasSection: String {
        var out = "<section id=\"schemas\">\n<h2>Schemas</h2>\n"
        for (name, schema) in (document["components"]?["schemas"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            out += "<article id=\"schema-\(Self.escape(name))\">\n<h3>\(Self.escape(name))</h3>\n"
            out += Self.markdown(schema["description"]?.stringValue ?? "")
            out += schemaBody(schema)
            out += "</article>\n"
        }
        return out + "</section>\n"
    }
}
