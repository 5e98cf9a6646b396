@testable import BFF
import Domain
import Foundation
import HummingbirdTesting
import Logging
import RedisClient
import TestSupport
import Testing

/// `GET /orders/{id}/events` over real HTTP: a server on a free port and an AsyncHTTPClient reading the stream as
/// it arrives, so streaming (not a buffered body) is what is tested.
@Suite("Order events (Server-Sent Events)")
struct OrderEventStreamTests {
    static func eventsPath(_ order: Order, query: String = "") -> String {
        "/api/v1/orders/\(order.id.uuidString.lowercased())/events\(query)"
    }

    @Test func aClientReceivesLiveTransitionsInOrderUntilTheOrderIsFulfilled() async throws {
        try await OrderHarness.run { harness in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let token = try await harness.token(harness.alice)
            try await withLiveServer(harness.router()) { port, _ in
                var reader = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token)
                #expect(reader.status == 200)
                #expect(reader.header("Content-Type")?.hasPrefix("text/event-stream") == true)
                #expect(reader.header("Cache-Control") == "no-cache")
                // The stored entries first.
                var received: [SSEEvent] = []
                for _ in 0..<2 { received.append(try #require(try await reader.next())) }
                #expect(received.map(\.id) == ["1", "2"])
                #expect(reader.retries == ["3000"])

                // Then what happens while the client listens, written by the ledger as the saga would.
                let ledger = harness.services.ledger
                try await ledger.transition(orderID: order.id, to: .approved, step: "approval.staff")
                try await ledger.transition(orderID: order.id, to: .provisioning, step: "saga")
                try await ledger.record(orderID: order.id, step: "sim.activate#0", outcome: .succeeded)
                try await ledger.transition(orderID: order.id, to: .activated, step: "sim.verify#0")
                try await ledger.transition(orderID: order.id, to: .fulfilled, step: "saga")
                received += try await reader.rest()

                #expect(received.map(\.id) == ["1", "2", "3", "4", "5", "6", "7"], "every entry once, in seq order")
                #expect(received.allSatisfy { $0.event == "timeline" })
                let entries = try received.map { try $0.entry() }
                #expect(entries.map(\.status) == ["draft", "pending_approval", "approved", "provisioning", "provisioning", "activated", "fulfilled"])
                #expect(entries.map(\.seq) == Array(1...7))
                #expect(entries[4].step == "sim.activate#0" && entries[4].outcome == "succeeded")
            }
            let bus = try #require(harness.services.orderEvents as? MemoryOrderEventBus)
            #expect(await eventually { bus.listenerCount == 0 }, "the ended stream left its listener behind")
        }
    }

    @Test func lastEventIDResumesAfterThatEntryAndAFinishedOrderAnswers204() async throws {
        try await OrderHarness.run { harness in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval, .approved])
            let token = try await harness.token(harness.alice)
            try await withLiveServer(harness.router()) { port, _ in
                var header = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token, lastEventID: "2")
                let first = try #require(try await header.next())
                #expect(first.id == "3", "the header resumes after seq 2")

                var query = try await SSEReader.open(port: port, path: Self.eventsPath(order, query: "?last_event_id=1"), token: token)
                #expect(try #require(try await query.next()).id == "2", "the query parameter works too")

                try await harness.services.ledger.transition(orderID: order.id, to: .cancelled, step: "staff.cancel", reason: "out of stock")
                let rest = try await header.rest()
                #expect(rest.map(\.id) == ["4"], "only the new entry, then the stream ends at a final status")
                #expect(try rest.first?.entry().status == "cancelled")
                #expect(try await query.rest().map(\.id) == ["3", "4"])

                // Nothing more will come: 204 tells the client to stop reconnecting; from the start it gets all, then the end.
                let done = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token, lastEventID: "4")
                #expect(done.status == 204)
                var replay = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token)
                #expect(try await replay.rest().map(\.id) == ["1", "2", "3", "4"])

                let bad = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token, lastEventID: "-1")
                #expect(bad.status == 400)
                let other = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: try await harness.token(harness.bob))
                #expect(other.status == 404)
            }
        }
    }

    @Test func aDisconnectedClientsSubscriptionIsStopped() async throws {
        try await OrderHarness.run { harness in
            let bus = try #require(harness.services.orderEvents as? MemoryOrderEventBus)
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let token = try await harness.token(harness.alice)
            // A short keep-alive: the server notices the gone client at its next write.
            try await withLiveServer(harness.router(keepAlive: .milliseconds(50))) { port, _ in
                let client = Task {
                    var reader = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token)
                    while let _ = try await reader.next() {}
                    return reader.comments
                }
                #expect(await eventually { bus.listenerCount == 1 })
                // Keep-alive comments flow while nothing happens.
                try await Task.sleep(for: .milliseconds(200))
                client.cancel()
                _ = try? await client.value
                #expect(await eventually { bus.listenerCount == 0 }, "the server still listens for a client that left")
            }
        }
    }

    @Test func keepAliveCommentsArriveWhileNothingHappens() async throws {
        try await OrderHarness.run { harness in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let token = try await harness.token(harness.alice)
            try await withLiveServer(harness.router(keepAlive: .milliseconds(20))) { port, _ in
                var reader = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token)
                _ = try await reader.next()
                _ = try await reader.next()
                let ledger = harness.services.ledger
                let comments = Task {
                    // The next event comes only after a few keep-alives were written.
                    try await Task.sleep(for: .milliseconds(300))
                    try await ledger.transition(orderID: order.id, to: .cancelled, step: "test")
                }
                let last = try #require(try await reader.next())
                _ = try await comments.value
                #expect(last.id == "3")
                #expect(reader.comments >= 1, "no keep-alive comment was received")
            }
        }
    }

    @Test func anEntryWhosePublishWasLostArrivesByTheNextKeepAlive() async throws {
        try await OrderHarness.run { harness in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let token = try await harness.token(harness.alice)
            try await withLiveServer(harness.router(keepAlive: .milliseconds(50))) { port, _ in
                var reader = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token)
                #expect(try await reader.next()?.id == "1")
                #expect(try await reader.next()?.id == "2")
                // Written to the store only, as if its PUBLISH had been lost: nothing is sent on the bus.
                let entry = try await harness.services.store.orders.appendEvent(
                    orderID: order.id, OrderEventDraft(step: "billing.create", outcome: .succeeded), at: Date()
                )
                #expect(entry.seq == 3)
                let event = try #require(try await reader.next())
                #expect(event.id == "3")
                #expect(try event.entry().step == "billing.create")
            }
        }
    }

    @Test func aGracefulShutdownEndsOpenStreams() async throws {
        try await OrderHarness.run { harness in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let token = try await harness.token(harness.alice)
            try await withLiveServer(harness.router()) { port, shutdown in
                var reader = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token)
                #expect(try await reader.next()?.id == "1")
                #expect(try await reader.next()?.id == "2")
                await shutdown()
                // The stream ends (the client would reconnect elsewhere with Last-Event-ID) instead of holding the shutdown.
                #expect(try await reader.rest().isEmpty)
            }
        }
    }

    /// Two "processes": the stream is served with one Redis bus, the order changes through another (its own pool).
    @Test func entriesWrittenInAnotherProcessReachTheStreamThroughRedis() async throws {
        let prefix = TestEnv.uniquePrefix("sse")
        let logger = Logger(label: "test.sse.redis")
        let poolA = try TestEnv.redisPool()
        let poolB = try TestEnv.redisPool()
        let busA = RedisOrderEventBus(pool: poolA, configuration: poolA.configuration, keyPrefix: prefix, logger: logger)
        let busB = RedisOrderEventBus(pool: poolB, configuration: poolB.configuration, keyPrefix: prefix, logger: logger)
        do {
            try await OrderHarness.run(orderEvents: busA) { harness in
                let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
                let token = try await harness.token(harness.alice)
                try await withLiveServer(harness.router(services: harness.services(withBus: busB))) { port, _ in
                    var reader = try await SSEReader.open(port: port, path: Self.eventsPath(order), token: token)
                    #expect(try await reader.next()?.id == "1")
                    #expect(try await reader.next()?.id == "2")
                    #expect(await eventually { busB.isSubscribing && busB.listenerCount == 1 })
                    let ledger = harness.services.ledger  // publishes on bus A
                    try await ledger.transition(orderID: order.id, to: .approved, step: "approval.crm")
                    try await ledger.transition(orderID: order.id, to: .provisioning, step: "saga")
                    try await ledger.transition(orderID: order.id, to: .fulfilled, step: "saga")
                    let rest = try await reader.rest()
                    #expect(rest.map(\.id) == ["3", "4", "5"])
                    #expect(try rest.map { try $0.entry().status } == ["approved", "provisioning", "fulfilled"])
                }
                #expect(await eventually { busB.listenerCount == 0 }, "the ended stream's listener is removed")
            }
        } catch {
            busA.close()
            busB.close()
            await poolA.close()
            await poolB.close()
            throw error
        }
        busA.close()
        busB.close()
        await poolA.close()
        await poolB.close()
    }
}
