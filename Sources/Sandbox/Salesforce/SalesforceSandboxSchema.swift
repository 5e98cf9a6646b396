/// The sObjects the Salesforce sandbox holds: their fields, relationships and rules, close enough to a real org
/// that an adapter selecting a field the org lacks gets `INVALID_FIELD`, as it would live.
struct SalesforceSandboxObject: Sendable {
    struct Relationship: Sendable {
        /// The lookup field on the child (`AccountId`).
        let field: String
        /// The object on the other side.
        let object: String
    }

    let name: String
    /// The three-character id prefix (`001` Account, `500` Case).
    let keyPrefix: String
    let fields: [String]
    /// Parent relationship name → lookup field and parent object (`CreatedBy` → `CreatedById`, `User`).
    var parents: [String: Relationship] = [:]
    /// Child relationship name → child object and its lookup field (`OrderItems` → `OrderItem`, `OrderId`).
    var children: [String: Relationship] = [:]
    /// Fields only Salesforce sets (`Id`, `CreatedDate`, auto-numbers, roll-ups, formulas).
    var readOnly: Set<String> = ["Id", "CreatedDate", "CreatedById", "LastModifiedDate", "IsDeleted"]
    /// Fields that may be set on create only.
    var createOnly: Set<String> = []
    var required: [String] = []
    /// Values filled in on create when the body leaves the field out.
    var defaults: [String: JSONValue] = [:]
    /// Restricted picklists and their values.
    var picklists: [String: [String]] = [:]
    /// Unique external id fields, usable in upsert and get-by-external-id URLs.
    var externalIDs: Set<String> = []

    /// The field's canonical spelling (SOQL and REST field names are case-insensitive).
    func field(_ name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.lowercased() == lowered }
    }

    func parent(_ name: String) -> (name: String, relationship: Relationship)? {
        let lowered = name.lowercased()
        return parents.first { $0.key.lowercased() == lowered }.map { ($0.key, $0.value) }
    }

    func child(_ name: String) -> (name: String, relationship: Relationship)? {
        let lowered = name.lowercased()
        return children.first { $0.key.lowercased() == lowered }.map { ($0.key, $0.value) }
    }
}

enum SalesforceSandboxSchema {
    static let createdBy = SalesforceSandboxObject.Relationship(field: "CreatedById", object: "User")

    /// Every object, by name. `accountFields` are the fields of the seed account fixture.
    static func objects(accountFields: [String]) -> [String: SalesforceSandboxObject] {
        var account = SalesforceSandboxObject(
            name: "Account",
            keyPrefix: "001",
            fields: Array(Set(accountFields + ["Id", "Name", "PersonEmail", "CurrencyIsoCode", "CreatedDate", "CreatedById"])).sorted()
        )
        account.parents = ["CreatedBy": createdBy, "Owner": .init(field: "OwnerId", object: "User")]
        account.children = ["Cases": .init(field: "AccountId", object: "Case"), "Orders": .init(field: "AccountId", object: "Order")]
        account.required = ["Name"]

        var supportCase = SalesforceSandboxObject(
            name: "Case",
            keyPrefix: "500",
            fields: [
                "Id", "CaseNumber", "AccountId", "Subject", "Description", "Status", "Priority", "Origin", "IsClosed",
                "ClosedDate", "SLA_Due__c", "CreatedDate", "CreatedById", "LastModifiedDate", "IsDeleted",
            ]
        )
        supportCase.parents = ["Account": .init(field: "AccountId", object: "Account"), "CreatedBy": createdBy]
        supportCase.children = ["CaseComments": .init(field: "ParentId", object: "CaseComment")]
        supportCase.readOnly.formUnion(["CaseNumber", "IsClosed", "ClosedDate"])
        supportCase.defaults = ["Status": "New", "Priority": "Medium"]
        supportCase.picklists = [
            "Status": ["New", "Working", "Escalated", "Waiting on Customer", "Closed"],
            "Priority": ["Low", "Medium", "High", "Urgent"],
            "Origin": ["Web", "Phone", "Email"],
        ]

        var comment = SalesforceSandboxObject(
            name: "CaseComment",
            keyPrefix: "00a",
            fields: ["Id", "ParentId", "CommentBody", "IsPublished", "CreatedDate", "CreatedById", "IsDeleted"]
        )
        comment.parents = ["Parent": .init(field: "ParentId", object: "Case"), "CreatedBy": createdBy]
        comment.createOnly = ["ParentId"]
        comment.required = ["ParentId", "CommentBody"]
        comment.defaults = ["IsPublished": false]

        var order = SalesforceSandboxObject(
            name: "Order",
            keyPrefix: "801",
            fields: [
                "Id", "OrderNumber", "AccountId", "Status", "StatusCode", "EffectiveDate", "TotalAmount", "CurrencyIsoCode",
                "Pricebook2Id", "Atrium_Order_Id__c", "Description", "Type", "CreatedDate", "CreatedById", "LastModifiedDate",
                "IsDeleted",
            ]
        )
        order.parents = [
            "Account": .init(field: "AccountId", object: "Account"), "Pricebook2": .init(field: "Pricebook2Id", object: "Pricebook2"),
            "CreatedBy": createdBy,
        ]
        order.children = ["OrderItems": .init(field: "OrderId", object: "OrderItem")]
        order.readOnly.formUnion(["OrderNumber", "TotalAmount", "StatusCode"])
        order.required = ["AccountId", "EffectiveDate", "Status"]
        order.picklists = ["Status": orderStatuses]
        order.externalIDs = ["Atrium_Order_Id__c"]
        order.defaults = ["CurrencyIsoCode": "EUR"]

        var item = SalesforceSandboxObject(
            name: "OrderItem",
            keyPrefix: "802",
            fields: [
                "Id", "OrderId", "PricebookEntryId", "Product2Id", "Quantity", "UnitPrice", "TotalPrice", "Atrium_Line_Id__c",
                "CreatedDate", "CreatedById", "IsDeleted",
            ]
        )
        item.parents = [
            "Order": .init(field: "OrderId", object: "Order"), "PricebookEntry": .init(field: "PricebookEntryId", object: "PricebookEntry"),
            "Product2": .init(field: "Product2Id", object: "Product2"), "CreatedBy": createdBy,
        ]
        item.readOnly.formUnion(["TotalPrice", "Product2Id"])
        item.createOnly = ["OrderId", "PricebookEntryId"]
        item.required = ["OrderId", "PricebookEntryId", "Quantity", "UnitPrice"]
        item.externalIDs = ["Atrium_Line_Id__c"]

        var product = SalesforceSandboxObject(
            name: "Product2",
            keyPrefix: "01t",
            fields: ["Id", "Name", "ProductCode", "Description", "Family", "IsActive", "CreatedDate", "CreatedById", "IsDeleted"]
        )
        product.children = ["PricebookEntries": .init(field: "Product2Id", object: "PricebookEntry")]
        product.parents = ["CreatedBy": createdBy]

        let pricebook = SalesforceSandboxObject(name: "Pricebook2", keyPrefix: "01s", fields: ["Id", "Name", "IsStandard", "IsActive"])

        var entry = SalesforceSandboxObject(
            name: "PricebookEntry",
            keyPrefix: "01u",
            fields: ["Id", "Pricebook2Id", "Product2Id", "UnitPrice", "CurrencyIsoCode", "IsActive", "UseStandardPrice"]
        )
        entry.parents = [
            "Pricebook2": .init(field: "Pricebook2Id", object: "Pricebook2"), "Product2": .init(field: "Product2Id", object: "Product2"),
        ]

        let user = SalesforceSandboxObject(name: "User", keyPrefix: "005", fields: ["Id", "Name", "IsActive"])

        return Dictionary(
            uniqueKeysWithValues: [account, supportCase, comment, order, item, product, pricebook, entry, user].map { ($0.name, $0) }
        )
    }

    /// `Order.Status` values; those after `Pending Approval`/`Approved` belong to the Activated category, where
    /// lines can no longer be added.
    static let orderStatuses = [
        "Draft", "Pending Approval", "Approved", "Activated", "In Fulfillment", "Completed", "Failed", "Cancelled",
    ]
    static let activatedOrderStatuses: Set<String> = ["Activated", "In Fulfillment", "Completed"]
}
