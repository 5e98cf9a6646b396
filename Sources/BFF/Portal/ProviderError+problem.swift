public import Hummingbird
public import Providers
import Logging
import Queue

extension ProviderError {
    /// The problem a client sees for this upstream failure: the one mapping every route area uses.
    ///
    /// | code | answer |
    /// | --- | --- |
    /// | `unavailable`, `timeout`, `circuitOpen` | 503 `upstream-unavailable`, `Retry-After` when the transport knows it |
    /// | `rateLimited` | 503 `upstream-unavailable` with the upstream's `Retry-After` (it limits Atrium, not the client) |
    /// | `unauthorized`, `invalidPayload`, `responseTooLarge` | 503 `upstream-unavailable` (Atrium's credentials or the upstream's answer are at fault, not the client) |
    /// | `notFound` | 404 `not-found`, the same body as any missing object |
    /// | `conflict` | 409 `conflict` |
    /// | `rejected` | 400 `validation` |
    ///
    /// The detail is generic and names the kind of system at most: never the upstream's body, code or message
    /// (``ProviderError/detail`` is for logs only).
    public var problem: Problem {
        switch code {
        case .notFound:
            return PortalProblems.notFound()
        case .conflict:
            return PortalProblems.conflict("The request conflicts with the current state of the resource; try again later.")
        case .rejected:
            return PortalProblems.validation(field: "request", "the upstream system refused the request")
        case .rateLimited, .unavailable, .timeout, .circuitOpen:
            return PortalProblems.upstreamUnavailable("A system this request depends on is unavailable; try again later.", retryAfter: retryAfter)
        default:
            return PortalProblems.upstreamUnavailable("A system this request depends on answered unexpectedly; try again later.")
        }
    }
}

/// Turns the errors of upstream calls into problems: ``ProviderError`` by ``ProviderError/problem``, a
/// ``DeadlineExceeded`` and a queue backend failure into 503 `upstream-unavailable`.
///
/// Installed on the portal routes (and meant for the admin routes): handlers can let provider errors fly, and
/// ``ProblemMiddleware`` renders the result. Errors it does not know pass through unchanged.
public struct UpstreamProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw Self.problem(for: error, logger: context.logger) ?? error
        }
    }

    /// The problem for an upstream-side error, or nil for any other error.
    static func problem(for error: any Error, logger: Logger) -> Problem? {
        switch error {
        case let error as ProviderError:
            // The description is safe to log by construction of the adapters.
            logger.warning("upstream call failed", metadata: ["error": "\(error)"])
            return error.problem
        case let error as DeadlineExceeded:
            logger.warning("upstream call exceeded its deadline", metadata: ["limit": "\(error.limit)"])
            return PortalProblems.upstreamUnavailable("A system this request depends on did not answer in time; try again later.")
        case let error as QueueError:
            logger.error("job queue failed", metadata: ["error": "\(error)"])
            return PortalProblems.upstreamUnavailable("The request could not be queued; try again later.", retryAfter: .seconds(1))
        default:
            return nil
        }
    }
}
