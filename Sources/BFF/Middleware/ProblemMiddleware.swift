public import Hummingbird
import Logging

/// Turns every error a route throws into an `application/problem+json` response.
///
/// A ``Problem`` renders as itself; Hummingbird's own `HTTPError`s (an unknown route, an undecodable body)
/// become the matching problem kind; anything else is logged in full and answered with a generic 500, so no
/// internal detail reaches the client.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, logger: context.logger)
            do {
                return try problem.response(from: request, context: context)
            } catch {
                context.logger.error("could not encode a problem response", metadata: ["error": "\(error)"])
                return Response(status: .internalServerError)
            }
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as HTTPError:
            let kind: Problem.Kind =
                switch error.status {
                case .notFound: .notFound
                case .methodNotAllowed: .methodNotAllowed
                case .badRequest: .badRequest
                case .contentTooLarge: .payloadTooLarge
                case .unsupportedMediaType: .unsupportedMediaType
                case .unauthorized: .unauthorized
                case .forbidden: .forbidden
                case .tooManyRequests: .tooManyRequests
                case .serviceUnavailable: .serviceUnavailable
                case .internalServerError: .internalError
                default: .httpStatus(error.status)
                }
            if error.status.kind == .serverError {
                logger.error("request failed", metadata: ["error": "\(error)"])
                return Problem(kind, status: error.status)
            }
            var headers = error.headers
            headers[.contentType] = nil
            return Problem(kind, status: error.status, detail: error.body, headers: headers)
        case let error as any HTTPResponseError:
            return Problem(.httpStatus(error.status), status: error.status)
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))", "description": "\(error)"])
            return Problem(.internalError, status: .internalServerError, detail: "An unexpected error occurred.")
        }
    }
}
