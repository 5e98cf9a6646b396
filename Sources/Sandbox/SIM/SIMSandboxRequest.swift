import Foundation
import Hummingbird

/// A platform request's JSON document, read from the `json=` form field (README §1).
struct SIMSandboxRequest: Sendable {
    let members: [String: JSONValue]

    /// Parses an `application/x-www-form-urlencoded` body with one `json` field holding a JSON object.
    ///
    /// - Throws: `220` for a body without the field, or a field that is not a JSON object.
    init(form body: String) throws(SIMSandboxFailure) {
        var json: String?
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, Self.decode(parts[0]) == "json" else { continue }
            json = Self.decode(parts[1])
        }
        guard let json, let data = json.data(using: .utf8),
            let value = try? JSONDecoder().decode(JSONValue.self, from: data), let members = value.object
        else {
            throw SIMSandboxFailure("220", "invalid parameter: the body must be a form field json=<JSON object>")
        }
        self.members = members
    }

    /// A string member that must be present and non-empty.
    ///
    /// - Throws: `220` naming the member.
    func required(_ name: String) throws(SIMSandboxFailure) -> String {
        guard let value = members[name]?.string, !value.isEmpty else {
            throw SIMSandboxFailure("220", "invalid parameter: \(name)")
        }
        return value
    }

    /// Decodes `%XX` escapes and `+` (a form-encoded space); `nil` for a malformed escape or non-UTF-8 bytes.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A non-success platform answer (README §5): result code, message, HTTP status, extra members and headers.
struct SIMSandboxFailure: Error, Sendable {
    let resultCode: String
    let message: String
    let http: Int
    var members: [String: JSONValue] = [:]
    var headers: HTTPFields = [:]

    init(_ resultCode: String, _ message: String, http: Int = 200) {
        self.resultCode = resultCode
        self.message = message
        self.http = http
    }

    /// The HTTP-like `status.statusCode` of a result code.
    static func statusClass(_ code: String) -> String {
        switch code {
        case "210", "211": "401"
        case "220": "400"
        case "221", "230", "231", "232": "404"
        case "240", "241", "242", "250": "409"
        case "260": "429"
        default: "503"
        }
    }
}
