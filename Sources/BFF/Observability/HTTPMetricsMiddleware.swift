public import Hummingbird

/// Counts every request and records its latency in ``AppMetrics`` (`atrium_http_*`), labelled by the matched route
/// template (`/api/v1/invoices/{id}`), never by the raw path: ids would make a series per customer.
///
/// Sits outside ``ProblemMiddleware`` so a thrown error is counted with the status its problem answer has; an
/// error that still escapes is counted with its `HTTPResponseError` status, else 500. The latency is the handler's,
/// up to the response head (a streamed body's transfer is not included).
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: AppMetrics

    public init(metrics: AppMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, start: start)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - start
        metrics.httpRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status, duration: duration)
    }
}
