import Queue

/// The admin operations routes (Sources/BFF/Admin: AdminOperationsRoutes, AdminQueueController,
/// AdminCacheController, AdminProviderController) and their wire types.
extension OpenAPIDocument {
    static var adminOperationsOperations: [APIOperation] {
        adminQueueOperations + [
            APIOperation(
                "POST", "/api/v1/admin/cache/invalidate",
                id: "adminInvalidateCache", tag: "admin",
                summary: "Invalidate cached upstream reads (staff)",
                description: """
                    Roles: `admin`, `ops`. Removes cached entries of the staff member's tenant, in every process: `{"customer_id", \
                    "tag"}` the customer's entries under the tag; `{"customer_id"}` every entry of the customer; `{"tag"}` the \
                    tenant-global entries under the tag (the catalog). A customer of another tenant (or none) is 404; an unknown tag \
                    400. Answers how many entries were removed; audited (`cache.invalidate`).
                    """,
                access: .admin,
                requestBody: APIRequestBody("AdminCacheInvalidationRequest", "What to remove."),
                responses: [.ok("AdminCacheInvalidation", "What was removed."), .problem(.badRequest), .problem(.notFound)]
            ),
            APIOperation(
                "GET", "/api/v1/admin/providers",
                id: "adminListProviders", tag: "admin",
                summary: "Upstream health (staff)",
                description: """
                    Roles: `admin`, `ops`, `security`. Each configured upstream adapter with its circuit state, the failures among \
                    the outcomes of its circuit breaker's window (`error_rate`) and the most recent attempt's latency. An adapter \
                    that does not expose its transport says `observed: false`.
                    """,
                access: .admin,
                responses: [.ok("AdminProviderList", "Every configured upstream.")]
            ),
        ]
    }

    static var adminQueueOperations: [APIOperation] {
        let roles = "Roles: `admin`, `ops` (queues are shared by every tenant of the deployment)."
        let queue = APIParameter.path("name", description: "A product queue: \(productQueueNames.joined(separator: ", ")); anything else 404.")
        let job = APIParameter.path("id", description: "The job id (e.g. `order-<uuid>`).", schema: .string(minLength: 1, maxLength: 200))
        func action(_ method: String, _ path: String, _ id: String, _ summary: String, _ text: String, _ parameters: [APIParameter], conflict: Bool) -> APIOperation {
            APIOperation(
                method, path, id: id, tag: "admin", summary: summary, description: "\(roles) \(text)", access: .admin, parameters: parameters,
                responses: [.ok("AdminQueueAction", "Done.")] + (conflict ? [.problem(.conflict)] : []) + [.problem(.notFound), .problem(.badRequest)]
            )
        }
        return [
            APIOperation(
                "GET", "/api/v1/admin/queues", id: "adminListQueues", tag: "admin", summary: "Queues with counts and throughput (staff)",
                description: """
                    \(roles) Every product queue: jobs per state, whether it is paused, and jobs completed in the last minute and \
                    5 minutes (counted by `finished_at` over the newest 1000 completed jobs; `truncated` when the bound was hit).
                    """,
                access: .admin, responses: [.ok("AdminQueueList", "Every product queue.")]
            ),
            APIOperation(
                "GET", "/api/v1/admin/queues/{name}/jobs", id: "adminListJobs", tag: "admin", summary: "Jobs of a queue by state (staff)",
                description: "\(roles) Jobs in one state (default `waiting`): oldest first for waiting/delayed/active, newest first for completed/dead.",
                access: .admin,
                parameters: [
                    queue,
                    .query("state", description: "The state.", schema: .enumeration(JobState.allCases.map(\.rawValue))),
                    .shared(.cursor), .shared(.limit),
                ],
                responses: [.ok("AdminJobList", "One page."), .problem(.badRequest), .problem(.notFound)]
            ),
            APIOperation(
                "GET", "/api/v1/admin/queues/{name}/jobs/{id}", id: "adminGetJob", tag: "admin", summary: "One job (staff)",
                description: "\(roles) The job with its payload (values of secret-named keys, at any depth, read `[redacted]`), attempts, errors and times.",
                access: .admin, parameters: [queue, job],
                responses: [.ok("AdminJobDetail", "The job."), .problem(.notFound)]
            ),
            action("POST", "/api/v1/admin/queues/{name}/jobs/{id}/retry", "adminRetryJob", "Retry a dead job (staff)",
                   "Moves a dead-lettered job back to waiting with fresh attempts; another state is 409. Audited (`queue.job.retry`).", [queue, job], conflict: true),
            action("POST", "/api/v1/admin/queues/{name}/jobs/{id}/remove", "adminRemoveJob", "Remove a job (staff)",
                   "Deletes the job in any state (a worker holding it loses its lease). Audited (`queue.job.remove`).", [queue, job], conflict: false),
            action("POST", "/api/v1/admin/queues/{name}/jobs/{id}/promote", "adminPromoteJob", "Run a delayed job now (staff)",
                   "Makes a delayed job due now; another state is 409. Audited (`queue.job.promote`).", [queue, job], conflict: true),
            action("POST", "/api/v1/admin/queues/{name}/pause", "adminPauseQueue", "Pause a queue (staff)",
                   "Workers claim nothing from the queue until it is resumed; running jobs finish. Audited (`queue.pause`).", [queue], conflict: false),
            action("POST", "/api/v1/admin/queues/{name}/resume", "adminResumeQueue", "Resume a queue (staff)",
                   "Audited (`queue.resume`).", [queue], conflict: false),
            action("POST", "/api/v1/admin/queues/{name}/dead/replay", "adminReplayDeadJobs", "Replay dead-lettered jobs (staff)",
                   "Moves up to `limit` (1–100, default 100) of the newest dead jobs back to waiting; `affected` says how many. Audited (`queue.dead.replay`).",
                   [queue, .query("limit", description: "At most this many (1–100).", schema: .integer(minimum: 1, maximum: 100))], conflict: false),
            action("POST", "/api/v1/admin/jobs/{id}/retry", "adminRetryJobAnywhere", "Retry a dead job by id (staff)",
                   "Finds the job in `queue`, or in the product queues (a dead copy first), and retries it like the per-queue route.",
                   [job, .query("queue", description: "The job's queue, when known.", schema: .string(maxLength: 64))], conflict: true),
        ]
    }

    static var adminOperationsSchemas: [String: JSONSchema] {
        let count = JSONSchema.integer(minimum: 0)
        let millis = JSONSchema.integer(minimum: 0).describe("ms since 1970")
        let number = JSONSchema(["type": "number"])
        return [
            "AdminQueueList": .object(["data": .required(.array(.ref("AdminQueueSummary")))], closed: true).describe("Every product queue."),
            "AdminQueueSummary": .object(
                [
                    "name": .required(.string()), "paused": .required(.boolean),
                    "counts": .required(.object(["waiting": .required(count), "delayed": .required(count), "active": .required(count), "completed": .required(count), "dead": .required(count)], closed: true)),
                    "throughput": .required(.object(["completed_last_minute": .required(count), "completed_last_5_minutes": .required(count), "truncated": .required(.boolean)], closed: true)),
                ],
                closed: true
            ).describe("A queue's counts by state and recent throughput."),
            "AdminJobList": .object(
                ["data": .required(.array(.ref("AdminJobSummary"))), "next_cursor": .required(.string().nullable(), "`null` on the last page.")], closed: true
            ).describe("One page of jobs."),
            "AdminJobSummary": .object(jobProperties(millis), closed: true).describe("A job in a list (no payload)."),
            "AdminJobDetail": .object(
                [
                    ("id", .required(.string())), ("queue", .required(.string())), ("name", .required(.string())),
                    ("state", .required(.enumeration(JobState.allCases.map(\.rawValue)))), ("priority", .required(.integer())),
                    ("attempts", .required(count, "Runs started.")), ("max_attempts", .required(count)), ("failures", .required(count)), ("stalls", .required(count)),
                    ("progress", .required(.integer(minimum: 0, maximum: 100))), ("created_at", .required(millis)), ("run_at", .required(millis)),
                    ("finished_at", .optional(millis)), ("timeout_ms", .optional(count)),
                    ("payload", .optional(JSONSchema(["type": "object"]), "The payload, secrets redacted; absent when not JSON.")),
                    ("errors", .required(.array(.object(["attempt": .required(.integer()), "message": .required(.string()), "at": .required(millis)], closed: true)))),
                ],
                closed: true
            ).describe("A job with its redacted payload and failures."),
            "AdminQueueAction": .object(
                [
                    "queue": .required(.string()), "action": .required(.enumeration(["retry", "remove", "promote", "pause", "resume", "replay"])),
                    "job_id": .optional(.string()), "affected": .required(count), "paused": .optional(.boolean),
                ],
                closed: true
            ).describe("What a queue or job action did."),
            "AdminCacheInvalidationRequest": .object(
                ["tag": .optional(.enumeration(AdminCacheController.tags)), "customer_id": .optional(.string(format: "uuid"))], closed: false
            ).describe("A tag, a customer, or both."),
            "AdminCacheInvalidation": .object(
                ["scope": .required(.enumeration(["customer", "tenant"])), "customer_id": .optional(.string()), "tag": .optional(.string()), "removed": .required(count)],
                closed: true
            ).describe("How many cache entries were removed."),
            "AdminProviderList": .object(["data": .required(.array(.ref("AdminProvider")))], closed: true).describe("Every configured upstream."),
            "AdminProvider": .object(
                [
                    "name": .required(.string()), "upstream": .required(.enumeration(["stripe", "whmcs", "salesforce", "sim", "supplier"])),
                    "kind": .required(.enumeration(["billing", "crm", "sim", "supplier"])),
                    "circuit_state": .required(.enumeration(["closed", "open", "half_open", "unknown"])), "observed": .required(.boolean),
                    "window_calls": .required(count), "window_failures": .required(count),
                    "error_rate": .optional(number, "Failures / calls in the breaker's window."), "last_latency_ms": .optional(number),
                    "recent": .optional(
                        .object(
                            ["calls": .required(count), "failures": .required(count), "error_rate": .optional(number), "mean_latency_ms": .optional(number)],
                            closed: true
                        ),
                        "The upstream's calls of the last 5 minutes (all its transports), when the server records them."
                    ),
                ],
                closed: true
            ).describe("One upstream adapter's health."),
        ]
    }

    static func jobProperties(_ millis: JSONSchema) -> [(String, JSONSchema.Property)] {
        [
            ("id", .required(.string())), ("queue", .required(.string())), ("name", .required(.string())),
            ("state", .required(.enumeration(JobState.allCases.map(\.rawValue)))), ("attempts", .required(.integer(minimum: 0))),
            ("max_attempts", .required(.integer(minimum: 0))), ("created_at", .required(millis)), ("run_at", .required(millis)),
            ("finished_at", .optional(millis)), ("last_error", .optional(.string())),
        ]
    }
}
