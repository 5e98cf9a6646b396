package import Domain
package import Foundation

/// Renders decoding coding paths as JSON paths (`$.data[2].lines.data[0].amount`) for ``ProviderError``.
package enum JSONPath {
    package static func render(_ codingPath: [any CodingKey]) -> String {
        var path = "$"
        for key in codingPath {
            if let index = key.intValue { path += "[\(index)]" } else { path += ".\(key.stringValue)" }
        }
        return path
    }

    /// The path and a log-safe reason for a `DecodingError` (no values from the payload).
    package static func describe(_ error: DecodingError) -> (path: String, reason: String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (render(context.codingPath + [key]), "missing field")
        case .valueNotFound(let type, let context):
            return (render(context.codingPath), "null where \(type) was expected")
        case .typeMismatch(let type, let context):
            return (render(context.codingPath), "not a \(type)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return ("$", "not valid JSON") }
            return (render(context.codingPath), "invalid value")
        @unknown default:
            return ("$", "undecodable")
        }
    }
}

extension ProviderError {
    /// Decodes `type` from `data`; any failure is `invalidPayload` naming the JSON path.
    package static func decode<T: Decodable>(
        _ type: T.Type,
        from data: Data,
        provider: UpstreamID,
        decoder: JSONDecoder = JSONDecoder()
    ) throws(ProviderError) -> T {
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            let (path, reason) = JSONPath.describe(error)
            throw .invalidPayload(provider, path: path, "\(T.self): \(reason)")
        } catch {
            throw .invalidPayload(provider, path: "$", "\(T.self): undecodable")
        }
    }
}
