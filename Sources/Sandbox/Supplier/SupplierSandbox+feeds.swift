import Foundation
import Hummingbird
import NIOCore

extension SupplierSandbox {
    /// The most items one generated feed may have (ten million: about 9 GB of XML).
    static let maximumGeneratedItems = 10_000_000

    func addFeedRoutes(to router: Router<BasicRequestContext>) {
        router.get("feeds/generated.xml") { request, _ in self.generatedFeed(request) }
        router.get("feeds/generated-availability.xml") { request, _ in Self.generatedAvailability(request) }
        router.get("feeds/{file}") { _, context in Self.fixtureFeed(context.parameters.get("file") ?? "") }
        router.get("feeds/derived/{file}") { _, context in Self.fixtureFeed("derived/" + (context.parameters.get("file") ?? "")) }
    }

    /// A fixture of `fixtures/upstream/heureka/`, as it is (its bytes, whatever the encoding).
    static func fixtureFeed(_ file: String) -> Response {
        let name = file.hasPrefix("derived/") ? String(file.dropFirst(8)) : file
        let safe = name.hasSuffix(".xml") && !name.hasPrefix(".")
            && name.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        guard safe, let data = try? SandboxFixtures.data("heureka/\(file)") else {
            return SupplierReply.error(404, "feed_not_found", "No such feed.").response()
        }
        return Response(status: .ok, headers: [.contentType: "application/xml"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `GET /feeds/generated.xml?items=&seed=&invalid_every=&encoding=`, streamed.
    func generatedFeed(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let items = query.get("items").flatMap { Int($0) } ?? 1_000
        let seed = query.get("seed").flatMap { UInt64($0) } ?? 1
        let invalidEvery = query.get("invalid_every").flatMap { Int($0) } ?? 0
        let encodingName = query.get("encoding").map { String($0).lowercased() } ?? "utf-8"
        guard (0...Self.maximumGeneratedItems).contains(items), invalidEvery >= 0 else {
            return SupplierReply.error(400, "invalid_request", "items must be 0 to \(Self.maximumGeneratedItems), invalid_every ≥ 0.").response()
        }
        let encoding: SupplierFeedGenerator.Encoding
        switch encodingName {
        case "utf-8", "utf8": encoding = .utf8
        case "windows-1250", "cp1250": encoding = .windows1250
        default: return SupplierReply.error(400, "invalid_request", "encoding must be utf-8 or windows-1250.").response()
        }
        let generator = SupplierFeedGenerator(items: items, seed: seed, invalidEvery: invalidEvery, encoding: encoding)
        let contentType = "application/xml; charset=\(encoding.rawValue)"
        // A stall in the middle of the body (`stall_after_chunks=1&stall_ms=2000`), for idle-timeout tests.
        let stallAfter = query.get("stall_after_chunks").flatMap { Int($0) }
        let stall = Duration.milliseconds(min(max(0, query.get("stall_ms").flatMap { Int($0) } ?? 0), 60_000))
        let control = control
        return Response(
            status: .ok,
            headers: [.contentType: contentType],
            body: ResponseBody { writer in
                var chunks = 0
                try await generator.write { chunk in
                    try await writer.write(chunk)
                    chunks += 1
                    if chunks == stallAfter {
                        let end = ContinuousClock.now + stall
                        while ContinuousClock.now < end, !control.isStopping { try await Task.sleep(for: .milliseconds(20)) }
                    }
                }
                try await writer.finish(nil)
            }
        )
    }

    /// `GET /feeds/generated-availability.xml?items=&seed=`: stock for the generated feed's items, streamed. An item
    /// has `stock_quantity` 0–20; with 0 it gets a `delivery_time` three days ahead.
    static func generatedAvailability(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let items = min(max(0, query.get("items").flatMap { Int($0) } ?? 1_000), maximumGeneratedItems)
        let seed = query.get("seed").flatMap { UInt64($0) } ?? 1
        let later = Date().addingTimeInterval(3 * 86_400).formatted(.iso8601.year().month().day().dateSeparator(.dash))
        return Response(
            status: .ok,
            headers: [.contentType: "application/xml; charset=UTF-8"],
            body: ResponseBody { writer in
                var buffer = ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<item_list>\n")
                for index in stride(from: 1, through: items, by: 1) {
                    let quantity = SupplierFeedGenerator.availableQuantity(index, seed: seed)
                    let delivery = quantity == 0 ? "<delivery_time>\(later) 12:00</delivery_time>" : ""
                    buffer.writeString(
                        "  <item id=\"\(SupplierFeedGenerator.itemID(index))\"><stock_quantity>\(quantity)</stock_quantity>\(delivery)</item>\n"
                    )
                    if buffer.readableBytes >= 32 * 1024 {
                        try await writer.write(buffer)
                        buffer = ByteBuffer()
                    }
                }
                buffer.writeString("</item_list>\n")
                try await writer.write(buffer)
                try await writer.finish(nil)
            }
        )
    }
}

extension SupplierFeedGenerator {
    /// The generated availability feed's `stock_quantity` of item `index`.
    public static func availableQuantity(_ index: Int, seed: UInt64) -> Int {
        var random = SplitMix64(seed: seed ^ 0xA5A5_A5A5 ^ UInt64(truncatingIfNeeded: index) &* 31)
        return random.below(21)
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
