import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `GET /openapi.json` and `GET /docs` as clients see them: media types, entity tags, and a docs page that needs
/// nothing from elsewhere.
@Suite("Contract routes")
struct ContractRoutesTests {
    static let logger = Logger(label: "test")
    static let noUpstreams = AtriumConfig(upstreams: .live([:]))

    @Test func servesTheDocumentWithAnETag() async throws {
        let app = try await buildApplication(config: Self.noUpstreams, logger: Self.logger)
        try await app.test(.router) { client in
            let eTag = try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let served = try JSONNode.parse(Data(response.body.readableBytesView))
                #expect(served == OpenAPIDocument.atrium.json)
                return try #require(response.headers[.eTag])
            }
            #expect(eTag.hasPrefix("\"") && eTag.hasSuffix("\"") && eTag.count == 34)
            try await client.execute(uri: "/openapi.json", method: .get, headers: [.ifNoneMatch: "\"other\", \(eTag)"]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.eTag] == eTag)
            }
            try await client.execute(uri: "/openapi.json", method: .get, headers: [.ifNoneMatch: "\"stale\""]) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes > 1000)
            }
        }
    }

    @Test func docsRenderEveryOperationWithoutScriptsOrRemoteResources() async throws {
        let app = try await buildApplication(config: Self.noUpstreams, logger: Self.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.eTag] != nil)
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && !csp.contains("script-src"))
                let html = String(buffer: response.body)
                #expect(html.hasPrefix("<!doctype html>"))
                #expect(!html.lowercased().contains("<script"))
                #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
                for operation in OpenAPIDocument.atrium.operations {
                    #expect(html.contains("id=\"op-\(operation.id)\""), "\(operation.id) is not on the page")
                    #expect(html.contains("<code>\(operation.path)</code>"), "\(operation.path) is not on the page")
                }
                for name in OpenAPIDocument.atrium.schemas.keys {
                    #expect(html.contains("id=\"schema-\(name)\""), "schema \(name) is not on the page")
                }
                // Every in-page link has its anchor.
                let anchors = Set(html.matches(of: /id="([^"]+)"/).map { String($0.output.1) })
                for link in html.matches(of: /href="#([^"]+)"/).map({ String($0.output.1) }) {
                    #expect(anchors.contains(link), "dangling link #\(link)")
                }
            }
        }
    }

    @Test func docsEscapeText() {
        let page = DocsPage(document: ["info": ["title": "<b>&\"x\"</b>", "description": "a `<i>` **bold**"], "paths": [:]])
        let html = page.html
        #expect(html.contains("&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"))
        #expect(html.contains("<code>&lt;i&gt;</code> <strong>bold</strong>"))
        #expect(!html.contains("<b>&"))
    }
}
