// PLACEHOLDER (orders API helper): the order operations and their schemas.
extension OpenAPIDocument {
    static var orderOperations: [APIOperation] { [] }
    static var orderSchemas: [String: JSONSchema] { [:] }
}
