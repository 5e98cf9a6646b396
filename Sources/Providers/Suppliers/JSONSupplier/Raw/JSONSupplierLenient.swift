import Domain

/// A value decoded on its own inside a larger payload: a failure is kept (as `invalidPayload` naming the JSON path
/// from the payload's root, e.g. `$.items[3].price.amount`) instead of failing the whole payload.
package struct JSONSupplierLenient<Value: Decodable & Sendable>: Sendable, Decodable {
    package let result: Result<Value, ProviderError>
    /// The element's own path, e.g. `$.items[3]`.
    package let path: String

    package init(from decoder: any Decoder) throws {
        path = JSONPath.render(decoder.codingPath)
        do {
            result = .success(try Value(from: decoder))
        } catch let error as DecodingError {
            let (path, reason) = JSONPath.describe(error)
            result = .failure(.invalidPayload(.supplier, path: path, "\(Value.self): \(reason)"))
        } catch {
            result = .failure(.invalidPayload(.supplier, path: path, "\(Value.self): undecodable"))
        }
    }
}
