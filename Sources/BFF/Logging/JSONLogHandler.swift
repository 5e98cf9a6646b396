import Foundation
public import Logging

/// Writes one JSON object per line to standard output: `timestamp`, `level`, `message`, `logger`,
/// `request_id` (when the log comes from a request), then any other metadata.
///
/// The message and every metadata value (the error's description too) pass through ``LogRedaction`` first:
/// e-mail addresses, tokens, card numbers and passwords never reach the output.
///
/// Each record is a single `write(2)` of a whole line, so lines from concurrent tasks never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String
    private let sink: @Sendable (String) -> Void

    /// - Parameter sink: where finished lines go; standard output unless a test captures them.
    public init(label: String, level: Logger.Level, sink: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardOutput) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error"] = .string("\(error)") }

        var line = "{\"timestamp\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"message\":"
        Self.appendJSONString(LogRedaction.redact("\(event.message)"), to: &line)
        line += ",\"logger\":"
        Self.appendJSONString(label, to: &line)
        // Hummingbird keys each request's logger with `hb.request.id`; Atrium sets it to the X-Request-ID value.
        if let requestID = merged.removeValue(forKey: "hb.request.id") {
            line += ",\"request_id\":"
            Self.appendJSONString("\(requestID)", to: &line)
        }
        merged = LogRedaction.redact(merged)
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            let name = Self.reservedKeys.contains(key) ? "meta.\(key)" : key
            line += ","
            Self.appendJSONString(name, to: &line)
            line += ":"
            Self.appendJSON(value, to: &line)
        }
        line += "}\n"
        sink(line)
    }

    private static let reservedKeys: Set<String> = ["timestamp", "level", "message", "logger", "request_id"]

    @Sendable public static func writeToStandardOutput(_ line: String) {
        var line = line
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-21T19:26:44.123Z`.
    ///
    /// Computed in Swift from the epoch (days-from-civil inverse, H. Hinnant), not with `gmtime_r`: with
    /// `MemberImportVisibility`, which C module owns `timespec`/`tm` depends on the build graph, and a clean build
    /// once refused them.
    static func timestamp(_ date: Date = Date()) -> String {
        // Whole microseconds first, so a time such as 0.999 s (998.99… ms in binary) keeps its millisecond.
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let millis = micros >= 0 ? micros / 1000 : (micros - 999) / 1000
        let totalSeconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let millisecond = millis - totalSeconds * 1000
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = totalSeconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(millisecond, 3))Z"
    }

    private static func appendJSON(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text):
            appendJSONString(text, to: &line)
        case .stringConvertible(let convertible):
            appendJSONString(convertible.description, to: &line)
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                appendJSON(element, to: &line)
            }
            line += "]"
        case .dictionary(let dictionary):
            line += "{"
            for (index, entry) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line += "," }
                appendJSONString(entry.key, to: &line)
                line += ":"
                appendJSON(entry.value, to: &line)
            }
            line += "}"
        }
    }

    static func appendJSONString(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
