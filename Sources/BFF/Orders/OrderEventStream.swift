import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `GET /orders/{id}/events`: an order's timeline as Server-Sent Events, written as it happens.
///
/// The listener is attached to the bus *before* the stored timeline is read, so an entry written in between is
/// in one or the other (both, at worst: entries are de-duplicated by `seq`). Then, on the wire:
/// - `retry: 3000`, then every stored entry after `Last-Event-ID`, then live ones, each as
///   `id: <seq>\nevent: timeline\ndata: <json>\n\n` (the JSON of ``OrderTimelineEntryDTO``), in `seq` order;
/// - an entry whose `seq` skips ahead (a publish lost or overtaken) and a bus ``OrderBusEvent/resync`` make the
///   stream re-read the stored timeline after its last entry, so nothing is missing from it;
/// - every ``keepAlive`` the stored timeline is checked once more (an entry whose publish was lost arrives then at
///   the latest); with nothing new, a `: keep-alive` comment is written instead (proxies and clients keep the
///   connection open, and a client that went away is noticed at that write, which fails and ends the stream and
///   its listener);
/// - the stream ends once it has sent an entry whose status is final (``finalStatuses``) and the store has nothing
///   after it; it also ends when the server shuts down gracefully (the client reconnects elsewhere with
///   `Last-Event-ID`).
///
/// Written through Hummingbird's `ResponseBody` writer, one `write` per event: nothing is buffered.
struct OrderEventStream: Sendable {
    static let defaultKeepAlive: Duration = .seconds(15)
    /// The reconnection delay suggested to clients (`retry:`), in milliseconds.
    static let retryMillis = 3000
    /// After an entry with one of these statuses the stream ends (the order may still move on later: a failed
    /// order retried by staff, a fulfilled one refunded; a new stream shows that).
    static let finalStatuses: Set<OrderStatus> = [.fulfilled, .failed, .cancelled, .refunded]

    let orderID: UUID
    let orders: any OrderRepository
    let keepAlive: Duration
    let logger: Logger

    private enum Signal: Sendable {
        case update(OrderBusEvent)
        case keepAlive
        case busEnded
    }

    /// Writes the stream: `backlog` (stored entries after `after`, read once `updates` was attached), then live ones.
    func write(updates: AsyncStream<OrderBusEvent>, backlog: [OrderTimelineEntry], after: Int, to writer: inout any ResponseBodyWriter) async throws {
        var last = after
        try await writer.write(ByteBuffer(string: "retry: \(Self.retryMillis)\n\n"))
        if try await send(backlog, last: &last, writer: &writer) {
            try await writer.finish(nil)
            return
        }
        // Bounded: behind a slow client the oldest signals go, and what they carried comes back from the store (a
        // later entry's gap, the next keep-alive's check).
        let (signals, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingNewest(OrderListenerTable.bufferSize))
        let interval = keepAlive
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await update in updates { continuation.yield(.update(update)) }
                    continuation.yield(.busEnded)
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        continuation.yield(.keepAlive)
                    }
                }
                defer { group.cancelAll() }
                loop: for await signal in signals {
                    switch signal {
                    case .keepAlive:
                        // A quiet stream re-checks the store, so an entry whose publish was lost shows up by now.
                        let stored = try await orders.timeline(orderID: orderID, afterSeq: last)
                        if stored.isEmpty {
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        } else if try await send(stored, last: &last, writer: &writer) {
                            break loop
                        }
                    case .update(.entry(let entry)):
                        guard entry.seq > last else { continue }
                        // In order: send it. Ahead of what was sent: fill the gap from the store.
                        var entries = [entry]
                        if entry.seq != last + 1 { entries = try await orders.timeline(orderID: orderID, afterSeq: last) }
                        if try await send(entries, last: &last, writer: &writer) { break loop }
                    case .update(.resync):
                        let stored = try await orders.timeline(orderID: orderID, afterSeq: last)
                        if try await send(stored, last: &last, writer: &writer) { break loop }
                    case .busEnded:
                        break loop
                    }
                }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        continuation.finish()
        try await writer.finish(nil)
    }

    /// Writes the entries after `last` in order.
    ///
    /// - Returns: true when the stream is done: the last entry written has a final status and the store has
    ///   nothing after it.
    private func send(_ entries: [OrderTimelineEntry], last: inout Int, writer: inout any ResponseBodyWriter) async throws -> Bool {
        var pending = entries
        while true {
            for entry in pending where entry.seq > last {
                try await writer.write(Self.frame(entry))
                last = entry.seq
            }
            guard let final = pending.last(where: { $0.seq == last }), Self.finalStatuses.contains(final.status) else { return false }
            // Before ending, make sure nothing came after the final entry (a failed order retried at once).
            pending = try await orders.timeline(orderID: orderID, afterSeq: last)
            if pending.isEmpty { return true }
        }
    }

    /// One event: `id: <seq>\nevent: timeline\ndata: <json>\n\n` (the JSON is one line).
    static func frame(_ entry: OrderTimelineEntry) -> ByteBuffer {
        let json = (try? AppRequestContext.makeResponseEncoder().encode(OrderTimelineEntryDTO(entry))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "id: \(entry.seq)\nevent: timeline\ndata: \(json)\n\n")
    }

    /// The response headers of the stream: no caching and no proxy buffering.
    static var headers: HTTPFields {
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        if let accel = HTTPField.Name("X-Accel-Buffering") { headers[accel] = "no" }
        return headers
    }
}
