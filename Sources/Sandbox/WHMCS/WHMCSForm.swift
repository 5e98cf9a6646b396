import Foundation
import NIOCore

/// An `application/x-www-form-urlencoded` body as PHP reads it: the last value of a name wins, and `name[]` /
/// `name[3]` build lists (AddOrder's `pid[]`, `qty[]`, `billingcycle[]`).
struct WHMCSForm: Sendable {
    let pairs: [(String, String)]

    init(_ text: String) {
        pairs = text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (raw: Substring) in String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    init(body: ByteBuffer) { self.init(String(buffer: body)) }

    subscript(_ name: String) -> String? { pairs.last { $0.0 == name }?.1 }

    /// A non-empty value of `name`.
    func text(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }

    func int(_ name: String) -> Int? { self[name].flatMap { Int($0) } }

    /// PHP truthiness of a boolean parameter (`1`, `true`, `on`, `yes`).
    func flag(_ name: String) -> Bool {
        guard let value = self[name]?.lowercased() else { return false }
        return ["1", "true", "on", "yes"].contains(value)
    }

    /// The values of `name[]` and `name[<i>]` in index order (a plain `name` counts as a one-element list).
    func list(_ name: String) -> [String] {
        var indexed: [(Int, Int, String)] = []
        for (position, (key, value)) in pairs.enumerated() {
            if key == name || key == name + "[]" {
                indexed.append((Int.max, position, value))
            } else if key.hasPrefix(name + "["), key.hasSuffix("]"), let index = Int(key.dropFirst(name.count + 1).dropLast()) {
                indexed.append((index, position, value))
            }
        }
        return indexed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// The value at `index` of the list `name` (`name[index]`), if sent.
    func element(_ name: String, _ index: Int) -> String? { self["\(name)[\(index)]"] }
}
