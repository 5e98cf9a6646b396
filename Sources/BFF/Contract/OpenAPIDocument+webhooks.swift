// PLACEHOLDER (webhooks helper): the webhook receiver operations and their schemas.
extension OpenAPIDocument {
    static var webhookOperations: [APIOperation] { [] }
    static var webhookSchemas: [String: JSONSchema] { [:] }
}
