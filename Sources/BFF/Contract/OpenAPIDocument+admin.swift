// PLACEHOLDER (admin helpers): each admin area's operations and schemas; split per area as
// OpenAPIDocument+adminCustomers.swift / +adminOperations.swift and list them here.
extension OpenAPIDocument {
    static var adminOperations: [APIOperation] { adminCustomerOperations + adminOperationsOperations }
    static var adminSchemas: [String: JSONSchema] {
        adminCustomerSchemas.merging(adminOperationsSchemas) { first, _ in first }
    }
}
