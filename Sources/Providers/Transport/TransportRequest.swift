public import Foundation
public import NIOHTTP1

/// One upstream call as an adapter describes it: method, path, query, headers, body and a stable operation name.
///
/// The transport resolves `path` against the configuration's base URL, percent-encodes `query`, adds the default
/// headers and `traceparent`, and retries the call only when `retryable` is set.
public struct TransportRequest: Sendable {
    public var method: HTTPMethod
    /// A path relative to the base URL's path (`/v1/invoices`), or an absolute URL on the base URL's origin
    /// (a pagination link); any other origin is refused so credentials never leave the upstream.
    public var path: String
    /// Query parameters, percent-encoded by the transport (appended with `&` when `path` already has a query).
    public var query: [(String, String)]
    /// Request headers, credentials included; a header named here replaces a default header of the same name.
    public var headers: [(String, String)]
    public var body: Data?
    /// A stable name for logs and metrics, e.g. `invoices.list`.
    public var operation: String
    /// Whether the transport may send this request more than once.
    ///
    /// Defaults to `true` for GET, HEAD, PUT, DELETE and OPTIONS, `false` otherwise; an adapter sets it on a POST
    /// that carries an idempotency key.
    public var retryable: Bool

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: A path relative to the base URL, or an absolute URL on the base URL's origin.
    ///   - query: Unencoded query parameters, in order.
    ///   - headers: Request headers.
    ///   - body: The raw body; set the matching `Content-Type` in `headers`.
    ///   - operation: A stable name for logs and metrics.
    ///   - retryable: Overrides the method's default (see ``retryable``).
    public init(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        headers: [(String, String)] = [],
        body: Data? = nil,
        operation: String,
        retryable: Bool? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.operation = operation
        self.retryable = retryable ?? Self.isIdempotent(method)
    }

    /// A request with an `application/x-www-form-urlencoded` body, the way Stripe and WHMCS take parameters.
    ///
    /// Keys are encoded like values, so `items[0][price]` is sent as `items%5B0%5D%5Bprice%5D`, which every form
    /// decoder reads back as the bracketed key.
    public static func form(
        _ method: HTTPMethod,
        _ path: String,
        fields: [(String, String)],
        headers: [(String, String)] = [],
        operation: String
    ) -> TransportRequest {
        TransportRequest(
            method,
            path,
            headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers,
            body: Data(FormEncoding.encode(fields).utf8),
            operation: operation
        )
    }

    /// A request with a JSON body.
    ///
    /// - Throws: The encoder's `EncodingError` when `body` cannot be encoded.
    public static func json(
        _ method: HTTPMethod,
        _ path: String,
        body: some Encodable,
        headers: [(String, String)] = [],
        encoder: JSONEncoder = JSONEncoder(),
        operation: String
    ) throws -> TransportRequest {
        TransportRequest(
            method,
            path,
            headers: [("Content-Type", "application/json")] + headers,
            body: try encoder.encode(body),
            operation: operation
        )
    }

    private static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS: return true
        default: return false
        }
    }
}

/// An upstream's complete answer: status, headers and the whole body (at most the configured cap).
public struct TransportResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: Data

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? { headers.first(name: name) }

    /// The wait the upstream's `Retry-After` header asks for, if it sent a readable one.
    public var retryAfter: Duration? { header("Retry-After").flatMap { RetryAfter.parse($0, now: Date()) } }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Reads `Retry-After` header values: delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`).
///
/// See https://www.rfc-editor.org/rfc/rfc9110#field.retry-after.
public enum RetryAfter {
    /// The wait a `Retry-After` value asks for.
    ///
    /// - Parameters:
    ///   - value: The header value.
    ///   - now: The wall-clock time an HTTP-date is measured from.
    /// - Returns: The wait (zero for a date in the past), or `nil` for an unreadable value.
    public static func parse(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            // Too many digits for Int64 still means "a very long time", not "unreadable".
            return .seconds(Int64(text) ?? Int64(Int32.max))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        // IMF-fixdate first, then the two obsolete forms recipients must still accept.
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            guard let date = formatter.date(from: text) else { continue }
            let seconds = date.timeIntervalSince(now)
            return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.up))) : .zero
        }
        return nil
    }
}

/// `application/x-www-form-urlencoded` and query-string encoding.
///
/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded as UTF-8, keys
/// included, and a space becomes `%20` rather than `+` (both are valid form encodings, `%20` is also valid in a
/// query, and no decoder mistakes it for a literal plus).
public enum FormEncoding {
    /// Encodes pairs as `k1=v1&k2=v2`, in order.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    /// Percent-encodes every byte of the UTF-8 form of `text` that is not RFC 3986 unreserved.
    public static func percentEncode(_ text: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    /// Decodes `%XX` escapes and `+` (a form-encoded space).
    ///
    /// - Returns: `nil` for a malformed escape or bytes that are not UTF-8.
    public static func percentDecode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
