// PLACEHOLDER (admin customers helper).
extension OpenAPIDocument {
    static var adminCustomerOperations: [APIOperation] { [] }
    static var adminCustomerSchemas: [String: JSONSchema] { [:] }
}
