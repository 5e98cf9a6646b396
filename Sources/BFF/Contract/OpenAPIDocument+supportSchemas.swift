import Domain

/// The wire types of the support-case routes and the dashboard (`PortalDTOs+cases.swift`, `PortalDTOs+dashboard.swift`).
extension OpenAPIDocument {
    static var portalSupportAndDashboardSchemas: [String: JSONSchema] {
        [
            "SupportCase": .object(supportCaseProperties, closed: true).describe("A support case in a list: no description, no comments."),
            "SupportCaseDetail": .object(
                supportCaseProperties + [
                    ("description", .optional(.string())),
                    ("comments", .required(.array(.ref("CaseComment")), "Public comments, oldest first.")),
                ],
                closed: true
            ).describe("A case with its description and public comments (the list fields, flat)."),
            "CaseComment": .object(
                [
                    "id": .required(.string()),
                    "body": .required(.string()),
                    "author": .optional(.string(), "A display name (never an e-mail address)."),
                    "created_at": .optional(.dateTime),
                ],
                closed: true
            ).describe("A public comment on a case."),
            "CreateCaseRequest": .object(
                [
                    "subject": .required(.string(minLength: 1, maxLength: 255), "1 to 255 characters after trimming."),
                    "description": .optional(.string(maxLength: 32000)),
                    "priority": .optional(.enumeration(CasePriority.allCases.map(\.rawValue)), "Default `medium`."),
                ],
                closed: false
            ).describe("A new support case."),
            "CreateCommentRequest": .object(
                ["body": .required(.string(minLength: 1, maxLength: 4000), "1 to 4000 characters after trimming.")],
                closed: false
            ).describe("A public comment on a case."),
            "Dashboard": .object(
                ["billing": .required(.ref("BillingSection")), "crm": .required(.ref("CRMSection")), "sims": .required(.ref("SIMSection"))],
                closed: true
            ).describe(
                "Billing, CRM and SIM read in parallel under one deadline. Each section has a `status`: `ok` (its other fields are present), `unavailable` (its system failed or was too slow; only `status`) or `not_linked` (only `status`)."
            ),
            "BillingSection": .object(
                [
                    "status": .required(sectionStatus),
                    "recent_invoices": .optional(.array(.ref("Invoice")), "The newest invoices (at most 5)."),
                    "amount_due": .optional(.array(.ref("Money")), "Owed on open and overdue invoices, one entry per currency; empty when nothing is due."),
                    "subscriptions": .optional(.array(.ref("Subscription"))),
                ],
                closed: true
            ).describe("The billing section of the dashboard."),
            "CRMSection": .object(
                [
                    "status": .required(sectionStatus),
                    "account": .optional(.ref("CRMAccount")),
                    "open_cases": .optional(.integer(minimum: 0, format: "int32"), "Cases not `closed`."),
                ],
                closed: true
            ).describe("The CRM section of the dashboard."),
            "CRMAccount": .object(
                ["id": .required(.string()), "name": .required(.string()), "email": .optional(.string(format: "email")), "phone": .optional(.string())],
                closed: true
            ).describe("The customer's account as the CRM knows it."),
            "SIMSection": .object(
                ["status": .required(sectionStatus), "lines": .optional(.array(.ref("SIMLine")))],
                closed: true
            ).describe("The SIM section of the dashboard."),
        ]
    }

    static var sectionStatus: JSONSchema { .enumeration(["ok", "unavailable", "not_linked"]) }

    /// `SupportCaseDTO`'s members, shared by `SupportCase` and the flat `SupportCaseDetail`.
    static var supportCaseProperties: [(String, JSONSchema.Property)] {
        [
            ("id", .required(.string())),
            ("number", .optional(.string(), "The case number support uses, when the CRM gives one.")),
            ("subject", .required(.string())),
            ("status", .required(.enumeration(CaseStatus.allCases.map(\.rawValue)))),
            ("priority", .required(.enumeration(CasePriority.allCases.map(\.rawValue)))),
            ("opened_at", .optional(.dateTime)),
            ("closed_at", .optional(.dateTime)),
            ("sla_due_at", .optional(.dateTime, "When support must have answered by.")),
        ]
    }
}
