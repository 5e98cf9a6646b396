/// An error the sandbox answers the way Salesforce does: an HTTP status and a one-element error array
/// `[{"message", "errorCode", "fields"?}]`.
struct SalesforceSandboxError: Error, Sendable {
    let status: Int
    let code: String
    let message: String
    let fields: [String]

    init(_ status: Int, _ code: String, _ message: String, fields: [String] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
    }

    var body: JSONValue {
        var error: JSONValue = ["message": .string(message), "errorCode": .string(code)]
        if !fields.isEmpty { error["fields"] = .array(fields.map { .string($0) }) }
        return [error]
    }

    static let notFound = SalesforceSandboxError(404, "NOT_FOUND", "The requested resource does not exist")
    static let invalidSession = SalesforceSandboxError(401, "INVALID_SESSION_ID", "Session expired or invalid")

    static func invalidField(_ field: String, object: String) -> SalesforceSandboxError {
        SalesforceSandboxError(
            400,
            "INVALID_FIELD",
            "No such column '\(field)' on entity '\(object)'. If you are attempting to use a custom field, be sure to append the "
                + "'__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
        )
    }

    static func invalidType(_ object: String) -> SalesforceSandboxError {
        SalesforceSandboxError(400, "INVALID_TYPE", "sObject type '\(object)' is not supported.")
    }

    static func malformedQuery(_ message: String) -> SalesforceSandboxError {
        SalesforceSandboxError(400, "MALFORMED_QUERY", message)
    }

    static func integrity(_ message: String, field: String) -> SalesforceSandboxError {
        SalesforceSandboxError(400, "FIELD_INTEGRITY_EXCEPTION", "field integrity exception: \(field) (\(message))", fields: [field])
    }
}
