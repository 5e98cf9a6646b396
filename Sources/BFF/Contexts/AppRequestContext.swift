public import Foundation
public import Hummingbird
public import Logging
public import NIOCore

/// The request context of every route. Portal and admin routes derive child contexts from it
/// (``PortalContext``), whose initialisers demand an identity.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware from a verified access token; nil for anonymous requests.
    public var identity: AuthenticatedUser?
    public var requestMeta: RequestMeta

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.requestMeta = RequestMeta(clientIP: source.channel.remoteAddress?.ipAddress)
    }

    /// Sorted keys, so a response body is byte-for-byte stable (diffable, cacheable, testable).
    public var responseEncoder: JSONEncoder { Self.makeResponseEncoder() }
    public var requestDecoder: JSONDecoder { Self.makeRequestDecoder() }
    public var maxUploadSize: Int { requestMeta.maxBodyBytes }

    public static func makeResponseEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func makeRequestDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
