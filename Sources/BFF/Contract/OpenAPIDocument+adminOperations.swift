// PLACEHOLDER (admin operations helper).
extension OpenAPIDocument {
    static var adminOperationsOperations: [APIOperation] { [] }
    static var adminOperationsSchemas: [String: JSONSchema] { [:] }
}
