public import AsyncHTTPClient
public import Domain
import NIOCore
import NIOHTTP1

/// Checks that an upstream's base URL answers HTTP at all, for readiness reporting.
///
/// Any HTTP response counts as reachable (a 401 or 404 from the base URL still proves the server is up and
/// speaking HTTP); a refused connection, a TLS failure or no answer within the timeout counts as down.
/// It sends no credentials, so a probe can never lock an account or spend rate limit on an authenticated route.
public struct UpstreamProbe: Sendable {
    public let upstream: UpstreamID
    public let baseURL: String
    public let timeout: Duration
    private let client: HTTPClient

    /// The default client is the transport's (no redirects, no span per probe: readiness checks would fill traces).
    public init(upstream: UpstreamID, baseURL: String, timeout: Duration = .seconds(2), client: HTTPClient = HTTPTransport.sharedHTTPClient) {
        self.upstream = upstream
        self.baseURL = baseURL
        self.timeout = timeout
        self.client = client
    }

    public enum Outcome: Sendable, Hashable {
        /// The upstream answered with this HTTP status.
        case reachable(status: Int)
        /// No HTTP answer; the reason is safe to log (no URL query, no credentials).
        case unreachable(reason: String)
    }

    public func probe() async -> Outcome {
        var request = HTTPClientRequest(url: baseURL)
        request.method = .HEAD
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            return .reachable(status: Int(response.status.code))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout {
            return .unreachable(reason: "no answer within \(timeout)")
        } catch {
            return .unreachable(reason: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "HTTP client error: \(error)" }
        return "connection failed: \(String(describing: type(of: error)))"
    }
}
