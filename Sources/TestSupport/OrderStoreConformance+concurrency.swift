public import BFF
import Domain
import Foundation

extension OrderStoreConformance {
    /// What a write raced against others returned: its entry, or the store error code it got.
    enum Outcome: Sendable {
        case appended(OrderTimelineEntry)
        case updated(Order, OrderTimelineEntry?)
        case refused(StoreError)
    }

    static let concurrencyChecks: [StoreCheck] = [
        StoreCheck(description: "of eight concurrent updates from one version exactly one wins; the others are conflicts") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for index in 0..<8 {
                    var attempt = order
                    attempt.failureReason = "writer \(index)"
                    group.addTask {
                        do {
                            let (stored, entry) = try await store.orders.update(
                                attempt, event: OrderEventDraft(step: "w\(index)", outcome: .received), at: at(5))
                            return .updated(stored, entry)
                        } catch let error as StoreError {
                            return .refused(error)
                        }
                    }
                }
                return try await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
            var winners: [Order] = []
            var conflicts = 0
            for outcome in outcomes {
                switch outcome {
                case .updated(let stored, _): winners.append(stored)
                case .refused(let error) where error.code == .conflict: conflicts += 1
                default: throw CheckFailed(description: "unexpected outcome \(outcome)")
                }
            }
            try expect(winners.count == 1 && conflicts == 7, "\(winners.count) winners, \(conflicts) conflicts")
            let winner = try required(winners.first, "no winner")
            try expect(winner.version == 2, "winner's version \(winner.version)")
            try expect(try await store.orders.order(id: order.id) == winner, "stored order is not the winner's")
            let timeline = try await store.orders.timeline(orderID: order.id, afterSeq: 0)
            let winnerStep = try required(winner.failureReason?.replacingOccurrences(of: "writer ", with: "w"), "no reason")
            try expect(timeline.map(\.seq) == [1, 2] && timeline.last?.step == winnerStep, "timeline: \(timeline.map(\.step))")
        },
        StoreCheck(description: "20 concurrent appends to one order number its entries 2…21 without gaps or duplicates") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            let appended = try await withThrowingTaskGroup(of: OrderTimelineEntry.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.orders.appendEvent(
                            orderID: order.id, OrderEventDraft(step: "step.\(index)", outcome: .started), at: at(index))
                    }
                }
                return try await group.reduce(into: [OrderTimelineEntry]()) { $0.append($1) }
            }
            try expect(appended.map(\.seq).sorted() == Array(2...21), "seqs: \(appended.map(\.seq).sorted())")
            try expect(Set(appended.map(\.step)) == Set((0..<20).map { "step.\($0)" }), "steps lost")
            try expect(appended.allSatisfy { $0.status == .draft && $0.outcome == .started && $0.orderID == order.id }, "entry values")
            let timeline = try await store.orders.timeline(orderID: order.id, afterSeq: 0)
            try expect(timeline.map(\.seq) == Array(1...21), "timeline seqs: \(timeline.map(\.seq))")
            try expect(
                Array(timeline.dropFirst()) == appended.sorted { $0.seq < $1.seq }, "the timeline differs from what the appends returned")
            try expect(try await store.orders.timeline(orderID: order.id, afterSeq: 18).map(\.seq) == [19, 20, 21], "entries after 18")
            try expect(try await store.orders.order(id: order.id)?.version == 1, "appending changed the version")
        },
        StoreCheck(description: "appends racing an update carry the status of their moment; numbers stay contiguous") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            var moving = order
            try moving.transition(to: .pendingApproval)
            let approved = moving
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        .appended(
                            try await store.orders.appendEvent(
                                orderID: order.id, OrderEventDraft(step: "p\(index)", outcome: .waiting), at: at(1)))
                    }
                }
                group.addTask {
                    let (stored, entry) = try await store.orders.update(
                        approved, event: OrderEventDraft(step: "order", outcome: .transitioned), at: at(1))
                    return .updated(stored, entry)
                }
                return try await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
            var appends: [OrderTimelineEntry] = []
            var transition: OrderTimelineEntry?
            for outcome in outcomes {
                switch outcome {
                case .appended(let entry): appends.append(entry)
                case .updated(_, let entry): transition = entry
                case .refused(let error): throw CheckFailed(description: "refused: \(error)")
                }
            }
            let moved = try required(transition, "the update returned no entry")
            try expect(moved.status == .pendingApproval, "transition entry status \(moved.status)")
            try expect((appends.map(\.seq) + [moved.seq]).sorted() == Array(2...12), "seqs: \((appends.map(\.seq) + [moved.seq]).sorted())")
            for entry in appends {
                let expected: OrderStatus = entry.seq < moved.seq ? .draft : .pendingApproval
                try expect(entry.status == expected, "entry \(entry.seq) has \(entry.status), the transition is \(moved.seq)")
            }
            try expect(try await store.orders.timeline(orderID: order.id, afterSeq: 0).map(\.seq) == Array(1...12), "stored seqs")
        },
    ]
}
