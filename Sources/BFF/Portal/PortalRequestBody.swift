import Foundation
import Hummingbird

/// Reads a JSON request body into a wire DTO.
enum PortalRequestBody {
    /// Decodes the body as `type`.
    ///
    /// - Throws: 413 (from Hummingbird) past the context's body limit; 400 `validation` naming the field when the
    ///   body is not JSON of the expected shape (never echoing the body).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: PortalContext) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try context.requestDecoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw PortalProblems.validation(field: key.stringValue, "is required")
        } catch let DecodingError.typeMismatch(_, context) {
            throw PortalProblems.validation(field: fieldName(context.codingPath), "has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw PortalProblems.validation(field: fieldName(context.codingPath), "must not be null")
        } catch {
            throw PortalProblems.validation(field: "body", "must be a JSON object")
        }
    }

    private static func fieldName(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "body" : path.map(\.stringValue).joined(separator: ".")
    }
}
