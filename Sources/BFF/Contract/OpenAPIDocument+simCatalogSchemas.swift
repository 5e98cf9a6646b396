import Domain

/// The wire types of the SIM and catalog routes (`PortalDTOs+sims.swift`, `PortalDTOs+catalog.swift`).
extension OpenAPIDocument {
    static var portalSIMAndCatalogSchemas: [String: JSONSchema] {
        [
            "SIMLine": .object(
                [
                    "id": .required(.string(), "The platform's line id (the national phone number, e.g. `09012345678`)."),
                    "iccid": .required(.string(), "The card's ICCID (18 to 22 digits)."),
                    "msisdn": .optional(.string(), "The phone number in E.164 form without `+`, when one is assigned."),
                    "plan": .required(.string(), "The platform's plan code, e.g. `SIM-5GB`."),
                    "status": .required(.enumeration(SIMStatus.allCases.map(\.rawValue))),
                    "pending_operation_id": .optional(.string(), "Set while an operation runs on the line; the line is locked until it ends."),
                ],
                closed: true
            ).describe("A SIM line."),
            "DataUsage": .object(
                [
                    "line_id": .required(.string()),
                    "used_bytes": .required(.integer(minimum: 0)),
                    "limit_bytes": .optional(.integer(minimum: 0), "The plan's allowance; omitted for unlimited plans."),
                    "used_per_mille": .optional(.integer(minimum: 0, format: "int32"), "Used share of the allowance in ‰ (above 1000 when over); omitted for unlimited plans."),
                    "period_start": .required(.dateTime),
                    "period_end": .required(.dateTime),
                ],
                closed: true
            ).describe("Data used in the current billing period."),
            "PlanChangeRequest": .object(
                [
                    "plan": .required(
                        JSONSchema(["type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9._-]+$"]),
                        "The plan code to switch to, e.g. `SIM-20GB`; must differ from the current plan (409 otherwise)."
                    )
                ],
                closed: false
            ).describe("A plan change for one SIM line."),
            "PlanChangeAccepted": .object(
                [
                    "operation_id": .required(JSONSchema(["type": "string", "pattern": "^op_[0-9a-f]{32}$"]), "Identifies this change."),
                    "status": .required(.constant("queued")),
                    "line_id": .required(.string()),
                    "plan": .required(.string()),
                ],
                closed: true
            ).describe("The plan change is queued and runs in the background; the line shows `pending_operation_id` meanwhile."),
            "CatalogItem": .object(
                [
                    "sku": .required(.string(maxLength: 64), "The stock-keeping unit, also the item's id (`A-Z a-z 0-9 - _ . /`)."),
                    "name": .required(.string()),
                    "description": .optional(.string()),
                    "kind": .required(.enumeration(ProductKind.allCases.map(\.rawValue))),
                    "category": .optional(.string()),
                    "manufacturer": .optional(.string()),
                    "ean": .optional(.string(), "EAN/GTIN when known."),
                    "image_url": .optional(.string(format: "uri")),
                    "price_plans": .required(.array(.ref("PricePlan")), "One-off prices and recurring plans."),
                    "stock": .required(.ref("Stock")),
                ],
                closed: true
            ).describe("A product of the catalog."),
            "PricePlan": .object(
                [
                    "id": .required(.string()),
                    "name": .required(.string()),
                    "amount": .required(.ref("Money")),
                    "interval": .optional(.enumeration(BillingInterval.allCases.map(\.rawValue)), "Omitted or `one_time` for a one-off price."),
                    "setup_fee": .optional(.ref("Money"), "A one-off fee charged with the first period."),
                ],
                closed: true
            ).describe("A price of a product."),
            "Stock": .object(
                [
                    "availability": .required(.enumeration(["in_stock", "backorder", "out_of_stock", "not_applicable"])),
                    "quantity": .optional(.integer(minimum: 0, format: "int32"), "Units available, when the source counts them."),
                    "delivery_days": .optional(.integer(minimum: 0, format: "int32"), "Delivery time of a backorder."),
                ],
                closed: true
            ).describe("Availability of a product (`not_applicable`: a service, not a stocked good)."),
            "CatalogPage": .object(
                [
                    "data": .required(.array(.ref("CatalogItem")), "Matching products in SKU order."),
                    "next_cursor": .required(.string().nullable(), "Pass as `cursor` for the next page; `null` on the last page."),
                    "total": .required(.integer(minimum: 0, format: "int32"), "How many products match the search and every filter."),
                    "facets": .required(.ref("CatalogFacets")),
                ],
                closed: true
            ).describe("One page of matching products, the total and the facets."),
            "CatalogFacets": .object(
                [
                    "category": .required(.array(.ref("FacetCount")), "Per category, most products first."),
                    "kind": .required(.array(.ref("FacetCount")), "Per kind, most products first."),
                ],
                closed: true
            ).describe("Counts for narrowing a search; each facet ignores its own filter, so its other values stay visible."),
            "FacetCount": .object(
                ["value": .required(.string()), "count": .required(.integer(minimum: 0, format: "int32"))],
                closed: true
            ).describe("One value of a facet and how many products have it."),
        ]
    }
}
