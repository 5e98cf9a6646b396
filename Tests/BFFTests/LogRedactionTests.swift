import BFF
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// The log redaction step: each kind of secret or personal datum is replaced, ordinary text is not, and both log
/// formats (the JSON handler and the text handler's wrapper) apply it to messages and metadata.
@Suite("Log redaction")
struct LogRedactionTests {
    // A test JWT (HS256 over {"sub":"1234567890"}), and card numbers that pass Luhn (the networks' test numbers).
    static let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

    @Test(arguments: [
        ("login failed for alice.smith+test@example.co.uk today", "login failed for [email] today"),
        ("Authorization: Bearer abc.DEF-123_xyz~", "Authorization: Bearer [redacted]"),
        ("token \(LogRedactionTests.jwt) refused", "token [token] refused"),
        ("key sk_live_51HxYz0123456789abc used", "key [token] used"),
        ("card 4242424242424242 declined", "card [card] declined"),
        ("card 4111 1111 1111 1111 declined", "card [card] declined"),
        ("amex 3782-822463-10005 ok", "amex [card] ok"),
        ("POST /login?user=bob&password=hunter2&next=/", "POST /login?user=bob&password=[redacted]&next=/"),
        (#"body {"email_verified":true,"password":"s3cr\"et","name":"Bob"}"#, #"body {"email_verified":true,"password":"[redacted]","name":"Bob"}"#),
        ("refresh_token=abcdef123 rotated", "refresh_token=[redacted] rotated"),
    ])
    func redactsEachKind(_ input: String, _ expected: String) {
        #expect(LogRedaction.redact(input) == expected)
    }

    @Test(arguments: [
        "order 5f0c6c2e-8d1b-4b5e-9a57-1c2d3e4f5a6b moved to approved",
        "job order-12345678-1234-1234-1234-123456789012 done",
        "request 00000000-0000-0000-0000-000000000000",
        "invoice in_1DemoAlice00000000000001 and account 001DM00000ALICE1AA",
        "took 1732250000000 ms since epoch",
        "4242424242424241 fails Luhn",
        "retrying in 250 ms, attempt 3 of 5; total 4242 EUR",
        "GET /api/v1/invoices/{id} 200",
    ])
    func leavesOrdinaryTextAlone(_ input: String) {
        #expect(LogRedaction.redact(input) == input)
    }

    @Test func redactsMetadataValuesAndSecretKeys() {
        let metadata: Logger.Metadata = [
            "user": "bob@example.com",
            "password": "hunter2",
            "authorization": "anything at all",
            "nested": ["list": ["ok", "4242 4242 4242 4242"], "client_secret": "x"],
            "order_id": "5f0c6c2e-8d1b-4b5e-9a57-1c2d3e4f5a6b",
        ]
        let redacted = LogRedaction.redact(metadata)
        #expect(redacted["user"] == "[email]")
        #expect(redacted["password"] == "[redacted]")
        #expect(redacted["authorization"] == "[redacted]")
        #expect(redacted["nested"] == ["list": ["ok", "[card]"], "client_secret": "[redacted]"])
        #expect(redacted["order_id"] == "5f0c6c2e-8d1b-4b5e-9a57-1c2d3e4f5a6b")
    }

    @Test func jsonLinesAreRedactedButKeepTheRequestID() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "atrium.test") { label in
            JSONLogHandler(label: label, level: .debug) { line in lines.withLockedValue { $0.append(line) } }
        }
        logger[metadataKey: "hb.request.id"] = "0d9c7b1e-5a3f-4c2d-8e6f-7a8b9c0d1e2f"
        logger.info("sign-in for carol@example.org with Bearer \(Self.jwt)", metadata: ["card": "5555555555554444", "route": "/health"])
        let line = try #require(lines.withLockedValue { $0.first })
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(record["message"] as? String == "sign-in for [email] with Bearer [redacted]")
        #expect(record["card"] as? String == "[card]")
        #expect(record["route"] as? String == "/health")
        #expect(record["request_id"] as? String == "0d9c7b1e-5a3f-4c2d-8e6f-7a8b9c0d1e2f")
        #expect(!line.contains("carol@example.org") && !line.contains("5555555555554444") && !line.contains("eyJ"))
    }

    @Test func textLinesAreRedacted() throws {
        let captured = NIOLockedValueBox<[LogEvent]>([])
        var logger = Logger(label: "atrium.test") { _ in RedactingLogHandler(CapturingHandler(events: captured)) }
        logger[metadataKey: "session"] = "password=hunter2"
        logger.error("refund to 4000 0566 5566 5556 for dave@example.net", metadata: ["request": "ok"])
        let event = try #require(captured.withLockedValue { $0.first })
        #expect("\(event.message)" == "refund to [card] for [email]")
        #expect(event.metadata?["session"] == "password=[redacted]")
        #expect(event.metadata?["request"] == "ok")
    }
}

/// Keeps what reaches it, standing in for the text format's stream handler.
private struct CapturingHandler: LogHandler {
    let events: NIOLockedValueBox<[LogEvent]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { events.withLockedValue { $0.append(event) } }
}
