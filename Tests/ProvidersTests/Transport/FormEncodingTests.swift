import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Providers
import Testing

/// Form and query encoding: exact bytes, and a round trip through a real server's form decoder.
@Suite("Form encoding")
struct FormEncodingTests {
    // MARK: Bytes

    @Test func bracketedKeysAreEncoded() {
        let body = FormEncoding.encode([("items[0][price]", "price_1"), ("items[0][quantity]", "2"), ("expand[]", "latest_invoice")])
        #expect(body == "items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2&expand%5B%5D=latest_invoice")
    }

    @Test func reservedCharactersSpacesAndUnicodeArePercentEncoded() {
        #expect(FormEncoding.percentEncode("a b") == "a%20b")
        #expect(FormEncoding.percentEncode("1+1=2&3") == "1%2B1%3D2%263")
        #expect(FormEncoding.percentEncode("50%/x?y#z") == "50%25%2Fx%3Fy%23z")
        #expect(FormEncoding.percentEncode("Zürich") == "Z%C3%BCrich")
        #expect(FormEncoding.percentEncode("AZaz09-._~") == "AZaz09-._~")
        #expect(FormEncoding.encode([]) == "")
        #expect(FormEncoding.encode([("empty", "")]) == "empty=")
    }

    @Test(arguments: ["", "plain", "a b+c", "100%", "ümlaut ✓ 🚀", "k=v&k2=v2", "[]{}|\\^`\"<>"])
    func percentDecodingInvertsEncoding(text: String) {
        #expect(FormEncoding.percentDecode(FormEncoding.percentEncode(text)) == text)
    }

    @Test func malformedEscapesDoNotDecode() {
        #expect(FormEncoding.percentDecode("%") == nil)
        #expect(FormEncoding.percentDecode("%G1") == nil)
        #expect(FormEncoding.percentDecode("%C3") == nil)
        #expect(FormEncoding.percentDecode("a+b") == "a b")
    }

    // MARK: Requests

    @Test func retryableDefaultsFollowTheMethod() {
        for method in [HTTPMethod.GET, .HEAD, .PUT, .DELETE, .OPTIONS] {
            #expect(TransportRequest(method, "/", operation: "x").retryable, "\(method)")
        }
        for method in [HTTPMethod.POST, .PATCH] {
            #expect(!TransportRequest(method, "/", operation: "x").retryable, "\(method)")
        }
        #expect(TransportRequest(.POST, "/", operation: "x", retryable: true).retryable)
    }

    // MARK: Round trip through real form decoders

    /// What the server received: the content type and the raw body.
    typealias Received = NIOLockedValueBox<[(contentType: String?, body: String)]>

    func formRoutes(_ received: Received) -> (Router<BasicRequestContext>, UpstreamLog) -> Void {
        { router, _ in
            router.post("/v1/subscriptions") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 16)
                received.withLockedValue { $0.append((request.headers[.init("Content-Type")!], String(buffer: body))) }
                return .ok
            }
        }
    }

    @Test func stripeStyleNestedFieldsArriveIntactAndInOrder() async throws {
        let fields: [(String, String)] = [
            ("customer", "cus_123"),
            ("items[0][price]", "price_basic"),
            ("items[0][quantity]", "2"),
            ("items[1][price]", "price_addon"),
            ("metadata[order_id]", "ord 42&x=1"),
            ("description", "Zürich + Genève ✓ 100%"),
            ("expand[]", "latest_invoice.payment_intent"),
        ]
        let received = Received([])
        try await withUpstream(formRoutes(received)) { baseURL, _ in
            let request = TransportRequest.form(.POST, "/v1/subscriptions", fields: fields, operation: "subscriptions.create")
            let response = try await transport(baseURL).send(request)
            #expect(response.status == 200)
        }
        let first = try #require(received.withLockedValue { $0.first })
        #expect(first.contentType == "application/x-www-form-urlencoded")
        // Foundation's decoder, independent of ours, reads back every key and value in order.
        var components = URLComponents()
        components.percentEncodedQuery = first.body
        let decoded = try #require(components.queryItems).map { ($0.name, $0.value ?? "") }
        #expect(decoded.map(\.0) == fields.map(\.0))
        #expect(decoded.map(\.1) == fields.map(\.1))
    }

    struct Checkout: Codable, Equatable {
        let customer: String
        let metadata: [String: String]
        let expand: [String]
        let note: String
    }

    @Test func hummingbirdFormDecoderReadsMapsAndArrays() async throws {
        let received = Received([])
        try await withUpstream(formRoutes(received)) { baseURL, _ in
            let fields = [
                ("customer", "cus_9"), ("metadata[order_id]", "o=1&2"), ("metadata[channel]", "portal"),
                ("expand[]", "a"), ("expand[]", "b c"), ("note", "1+1 ✓"),
            ]
            let request = TransportRequest.form(.POST, "/v1/subscriptions", fields: fields, operation: "checkout.create")
            let response = try await transport(baseURL).send(request)
            #expect(response.status == 200)
        }
        let body = try #require(received.withLockedValue { $0.first?.body })
        let checkout = try URLEncodedFormDecoder().decode(Checkout.self, from: body)
        let expected = Checkout(customer: "cus_9", metadata: ["order_id": "o=1&2", "channel": "portal"], expand: ["a", "b c"], note: "1+1 ✓")
        #expect(checkout == expected)
    }

    @Test func jsonBodyCarriesItsContentType() async throws {
        struct Note: Codable, Equatable { let text: String }
        let received = NIOLockedValueBox<(contentType: String?, value: Note?)>((nil, nil))
        try await withUpstream { router, _ in
            router.post("/notes") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 16)
                let note = try JSONDecoder().decode(Note.self, from: Data(body.readableBytesView))
                received.withLockedValue { $0 = (request.headers[.init("Content-Type")!], note) }
                return .created
            }
        } test: { baseURL, _ in
            let request = try TransportRequest.json(.POST, "/notes", body: Note(text: "hello ✓"), operation: "notes.create")
            #expect(try await transport(baseURL).send(request).status == 201)
        }
        let (contentType, note) = received.withLockedValue { $0 }
        #expect(contentType == "application/json")
        #expect(note == Note(text: "hello ✓"))
    }
}
