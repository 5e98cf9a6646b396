import NIOHTTP1
import Providers
import Testing

/// What may reach a log line: URLs without credentials or sensitive query values, headers without secrets.
@Suite("Redaction")
struct RedactionTests {
    // MARK: URLs

    @Test func userinfoIsRemoved() {
        #expect(Redaction.url("https://admin:pa55@api.example.com/v1/x") == "https://api.example.com/v1/x")
        #expect(Redaction.url("http://token@127.0.0.1:4010/") == "http://127.0.0.1:4010/")
        // An "@" in the path or query is not userinfo.
        #expect(Redaction.url("https://h/users/a@b?x=1") == "https://h/users/a@b?x=1")
    }

    @Test(arguments: [
        "key", "secret", "token", "password", "pass", "email", "auth", "signature", "accesskey", "identifier", "code",
        "api_key", "apiKey", "access_token", "client_secret", "X-Amz-Signature", "AWSAccessKeyId", "filter[email]",
        "filter%5Bemail%5D", "PASSWORD",
    ])
    func sensitiveQueryValuesAreRedacted(key: String) {
        let redacted = Redaction.url("https://h/p?limit=10&\(key)=hunter2&starting_after=in_1")
        #expect(redacted == "https://h/p?limit=10&\(key)=[redacted]&starting_after=in_1")
        #expect(Redaction.isSensitiveQueryKey(key))
    }

    @Test(arguments: ["limit", "starting_after", "expand[]", "customer", "status", "created[gte]"])
    func ordinaryQueryValuesAreKept(key: String) {
        let url = "https://h/p?\(key)=value_1"
        #expect(Redaction.url(url) == url)
        #expect(!Redaction.isSensitiveQueryKey(key))
    }

    @Test func everyOccurrenceOfASensitiveKeyIsRedactedAndTheRestIsKeptVerbatim() {
        let url = "https://u:p@h:8443/a%20b?email=a%40b.c&email=d%40e.f&flag&lang=%C3%A9#frag"
        #expect(Redaction.url(url) == "https://h:8443/a%20b?email=[redacted]&email=[redacted]&flag&lang=%C3%A9#frag")
    }

    @Test func freeTextQueriesAreRedacted() {
        // Salesforce sends SOQL in `q`; a query by e-mail must not reach the log.
        let url = "https://h/services/data/v60.0/query?q=SELECT+Id+FROM+Account+WHERE+PersonEmail%3D%27alice%40demo.atrium.test%27"
        #expect(Redaction.url(url) == "https://h/services/data/v60.0/query?q=[redacted]")
        #expect(Redaction.isSensitiveQueryKey("q") && Redaction.isSensitiveQueryKey("search"))
    }

    @Test func pathsWithoutSchemeAreHandled() {
        #expect(Redaction.url("/v1/x?secret=1&a=2") == "/v1/x?secret=[redacted]&a=2")
        #expect(Redaction.url("/v1/x") == "/v1/x")
    }

    // MARK: Headers

    @Test func credentialHeadersAreRedacted() {
        let headers: [(String, String)] = [
            ("Authorization", "Bearer sk_live_1"),
            ("cookie", "sid=1"),
            ("Set-Cookie", "sid=2"),
            ("X-Api-Key", "k"),
            ("Stripe-Account", "acct_1"),
            ("X-Partner-Token", "t"),
            ("Proxy-Authorization", "Basic x"),
            ("Content-Type", "application/json"),
            ("Idempotency-Key", "order-42"),
            ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ]
        let redacted = Redaction.headers(headers)
        #expect(redacted.map(\.0) == headers.map(\.0))
        for (name, value) in redacted.prefix(7) { #expect(value == "[redacted]", "\(name) not redacted") }
        #expect(redacted[7].1 == "application/json")
        #expect(redacted[8].1 == "order-42")
        #expect(redacted[9].1.hasPrefix("00-4bf92f"))
    }

    @Test func nioHeadersAreRedactedToo() {
        let headers = HTTPHeaders([("Authorization", "Basic Zm9vOmJhcg=="), ("Accept", "*/*")])
        let redacted = Redaction.headers(headers)
        #expect(redacted.first { $0.0 == "Authorization" }?.1 == "[redacted]")
        #expect(redacted.first { $0.0 == "Accept" }?.1 == "*/*")
    }
}
