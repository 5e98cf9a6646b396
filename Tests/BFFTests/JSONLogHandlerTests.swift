@testable import BFF
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    func capture(_ body: (Logger) -> Void) throws -> [[String: Any]] {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "atrium.test") { label in
            JSONLogHandler(label: label, level: .debug) { line in lines.withLockedValue { $0.append(line) } }
        }
        logger[metadataKey: "hb.request.id"] = "req-1"
        body(logger)
        return try lines.withLockedValue { $0 }.map { line in
            #expect(line.hasSuffix("}\n"))
            #expect(line.dropLast().contains("\n") == false, "one record per line")
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func carriesTimestampLevelMessageAndRequestID() throws {
        let records = try capture { $0.info("hello", metadata: ["route": "/health"]) }
        let record = try #require(records.first)
        #expect(record["message"] as? String == "hello")
        #expect(record["level"] as? String == "info")
        #expect(record["request_id"] as? String == "req-1")
        #expect(record["route"] as? String == "/health")
        #expect(record["logger"] as? String == "atrium.test")
        let timestamp = try #require(record["timestamp"] as? String)
        #expect(try #require(ISO8601DateFormatter.withFractionalSeconds.date(from: timestamp)).timeIntervalSinceNow.magnitude < 60)
    }

    @Test func escapesAwkwardTextAndNestsMetadata() throws {
        let message = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🐝"
        let records = try capture {
            $0.warning("\(message)", metadata: ["message": "shadow", "nested": ["list": ["a", "b"], "n": "1"]])
        }
        let record = try #require(records.first)
        #expect(record["message"] as? String == message)
        #expect(record["meta.message"] as? String == "shadow")
        let nested = try #require(record["nested"] as? [String: Any])
        #expect(nested["list"] as? [String] == ["a", "b"])
    }

    @Test func respectsTheLevel() throws {
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "x") { label in
            JSONLogHandler(label: label, level: .warning) { line in lines.withLockedValue { $0.append(line) } }
        }
        logger.info("dropped")
        logger.error("kept")
        #expect(lines.withLockedValue { $0.count } == 1)
    }

    @Test(arguments: [0.0, 0.999, 951_782_400.5, 1_709_164_799.042, 1_795_132_004.123, 4_102_444_800.0, -1.5, -86_400.25])
    func timestampsMatchFoundationsFormatter(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter.withFractionalSeconds
        formatter.timeZone = TimeZone(identifier: "UTC")
        // Whole milliseconds only: how each side rounds a sub-millisecond rest is not the subject here.
        #expect(JSONLogHandler.timestamp(date) == formatter.string(from: date))
    }
}

extension ISO8601DateFormatter {
    static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
