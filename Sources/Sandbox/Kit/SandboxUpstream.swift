public import Domain
public import Hummingbird

/// One sandbox upstream: its routes, how a request names its operation, and what `atrium sandbox` prints.
///
/// The kit wraps the routes with call recording and fault injection (``SandboxFaultMiddleware``) and adds
/// the `/_sandbox/` control routes; an upstream only speaks its API.
public protocol SandboxUpstream: Sendable {
    var upstream: UpstreamID { get }
    var control: SandboxControl { get }

    /// Adds the upstream's API routes.
    func addRoutes(to router: Router<BasicRequestContext>)

    /// The stable operation name of a request, for fault rules and call counts. The default is the method and
    /// the path with id-like segments replaced by `{id}` (``SandboxOperation/template(method:path:)``); an
    /// upstream that multiplexes one route (WHMCS `action=`) reads the name from the request and may collect
    /// the body to do so (it stays readable by the route).
    func operation(of request: inout Request) async throws -> String

    /// Printed by `atrium sandbox` (with the base URL): credentials and webhook secret this sandbox accepts.
    var credentials: [String: String] { get }
}

extension SandboxUpstream {
    public func operation(of request: inout Request) async throws -> String {
        SandboxOperation.template(method: request.method.rawValue, path: request.uri.path)
    }
}

public enum SandboxOperation {
    /// `GET /v1/invoices/in_1MtHbE` → `GET /v1/invoices/{id}`. A segment is id-like when it contains a digit
    /// and is not a version (`v1`, `v60.0`).
    public static func template(method: String, path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { segment -> String in
            let isVersion = segment.first == "v" && segment.dropFirst().allSatisfy { $0.isNumber || $0 == "." }
            return !isVersion && segment.contains(where: \.isNumber) ? "{id}" : String(segment)
        }
        return "\(method) /" + segments.joined(separator: "/")
    }
}
