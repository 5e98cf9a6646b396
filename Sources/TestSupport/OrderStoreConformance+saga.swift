public import BFF
import Domain
import Foundation

extension OrderStoreConformance {
    static func step(
        _ order: UUID, _ name: String, _ status: SagaStepStatus = .pending, at seconds: Int = 0, generation: Int = 1
    ) -> SagaStepRecord {
        SagaStepRecord(
            orderID: order, step: name, generation: generation, status: status,
            idempotencyKey: SagaStepRecord.idempotencyKey(orderID: order, step: name, generation: generation), updatedAt: at(seconds)
        )
    }

    static let sagaChecks: [StoreCheck] = [
        StoreCheck(description: "saga steps upsert by (order, step), keep the order they were first saved in, and keep their values") {
            make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user)
            let other = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            try await store.orders.create(other, event: placed, at: t0)

            let names = ["billing.create", "sim.allocate#0", "sim.configure#0", "crm.update"]
            for name in names { try await store.orders.saveSagaStep(step(order.id, name)) }
            try await store.orders.saveSagaStep(step(other.id, "billing.create", .running))

            var billing = step(order.id, "billing.create", .succeeded, at: 30)
            billing.attempt = 2
            billing.result = ["order_id": "42", "invoice_id": "in_1Q2w3E", "note": "“quoted” – ünïcode", "empty": ""]
            try await store.orders.saveSagaStep(billing)
            var allocate = step(order.id, "sim.allocate#0", .compensationFailed, at: 40)
            allocate.attempt = 5
            allocate.error = "release refused: line is active"
            allocate.result = ["line_id": "L-9"]
            try await store.orders.saveSagaStep(allocate)

            let steps = try await store.orders.sagaSteps(orderID: order.id)
            try expect(steps.map(\.step) == names, "order of steps: \(steps.map(\.step))")
            try expect(
                steps == [billing, allocate, step(order.id, "sim.configure#0"), step(order.id, "crm.update")], "stored steps: \(steps)")
            // An error is cleared by saving the step without one.
            allocate.error = nil
            allocate.status = .compensated
            try await store.orders.saveSagaStep(allocate)
            try expect(try await store.orders.sagaSteps(orderID: order.id)[1] == allocate, "the cleared error")
            try expect(
                try await store.orders.sagaSteps(orderID: other.id) == [step(other.id, "billing.create", .running)], "another order's steps"
            )
            try expect(try await store.orders.sagaSteps(orderID: UUID()).isEmpty, "an unknown order has steps")
        },
        StoreCheck(description: "an idempotency key belongs to one step; a step of an unknown order is not found") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user)
            let other = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            try await store.orders.create(other, event: placed, at: t0)
            let first = step(order.id, "billing.create")
            try await store.orders.saveSagaStep(first)

            let borrowed = SagaStepRecord(orderID: other.id, step: "billing.create", idempotencyKey: first.idempotencyKey, updatedAt: t0)
            try await StoreConformance.expectStoreError(.conflict) { try await store.orders.saveSagaStep(borrowed) }
            let sibling = SagaStepRecord(orderID: order.id, step: "supplier.place", idempotencyKey: first.idempotencyKey, updatedAt: t0)
            try await StoreConformance.expectStoreError(.conflict) { try await store.orders.saveSagaStep(sibling) }
            try expect(try await store.orders.sagaSteps(orderID: other.id).isEmpty, "the borrowed key was stored")
            try expect(try await store.orders.sagaSteps(orderID: order.id) == [first], "the sibling was stored")

            var again = first
            again.status = .running
            again.attempt = 1
            try await store.orders.saveSagaStep(again)
            try expect(try await store.orders.sagaSteps(orderID: order.id) == [again], "re-saving the step with its own key")

            let orphan = step(UUID(), "billing.create")
            try await StoreConformance.expectStoreError(.notFound) { try await store.orders.saveSagaStep(orphan) }
            try expect(try await store.orders.sagaSteps(orderID: orphan.orderID).isEmpty, "a step of an unknown order was stored")
        },
        StoreCheck(description: "every status, saga state, timeline outcome and step status is stored and read back") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user)
            try await store.orders.create(order, event: placed, at: t0)
            var current = order
            for (index, status) in OrderStatus.allCases.enumerated() {
                // The store does not apply the state machine (the ledger does), so any status can be written.
                let moved = Order(
                    id: current.id, tenant: current.tenant, userID: current.userID, status: status, version: current.version,
                    items: current.items, subtotal: current.subtotal, tax: current.tax, total: current.total,
                    saga: SagaState.allCases[index % SagaState.allCases.count], createdAt: current.createdAt, updatedAt: current.updatedAt
                )
                current = try await store.orders.update(moved, event: nil, at: at(index)).order
                try expect(try await store.orders.order(id: order.id) == current, "status \(status.rawValue)")
            }
            for state in SagaState.allCases {
                current.saga = state
                current = try await store.orders.update(current, event: nil, at: at(100)).order
                try expect(try await store.orders.order(id: order.id)?.saga == state, "saga state \(state.rawValue)")
            }
            var appended: [OrderTimelineEntry] = []
            for outcome in TimelineOutcome.allCases {
                appended.append(
                    try await store.orders.appendEvent(orderID: order.id, OrderEventDraft(step: "s", outcome: outcome), at: at(200)))
            }
            try expect(try await store.orders.timeline(orderID: order.id, afterSeq: 1) == appended, "outcomes")
            try expect(
                appended.map(\.outcome) == TimelineOutcome.allCases && appended.allSatisfy { $0.status == current.status }, "entries")
            let steps = SagaStepStatus.allCases.map { step(order.id, "step.\($0.rawValue)", $0) }
            for record in steps { try await store.orders.saveSagaStep(record) }
            try expect(try await store.orders.sagaSteps(orderID: order.id) == steps, "step statuses")
        },
        StoreCheck(description: "saga step records of generations 1 and 2 of one step coexist; a generation reads only its own") { make in
            let store = try await make()
            let user = try await customer(store, "alice")
            let order = try newOrder(user: user, crm: "crm-generations")
            try await store.orders.create(order, event: placed, at: t0)
            try expect(try await store.orders.order(id: order.id)?.sagaGeneration == 1, "a new order is generation 1")

            var create1 = step(order.id, "billing.create", .compensated, at: 1)
            create1.result = ["billing_order_id": "sub_first"]
            let allocate1 = step(order.id, "sim.allocate#0", .failed, at: 2)
            try await store.orders.saveSagaStep(create1)
            try await store.orders.saveSagaStep(allocate1)

            // A staff retry: the order moves to generation 2 and its steps start again under new keys.
            var retried = try required(try await store.orders.order(id: order.id), "the order")
            retried.sagaGeneration = 2
            retried.saga = .idle
            let stored = try await store.orders.update(retried, event: nil, at: at(3)).order
            try expect(stored.sagaGeneration == 2, "the generation was not stored: \(stored.sagaGeneration)")
            try expect(try await store.orders.order(id: order.id)?.sagaGeneration == 2, "the generation was not read back")

            let create2 = step(order.id, "billing.create", .running, at: 4, generation: 2)
            try expect(create2.idempotencyKey != create1.idempotencyKey, "generation 2 has its own key")
            try expect(create2.idempotencyKey.contains("-g2-"), "generation 2's key: \(create2.idempotencyKey)")
            try await store.orders.saveSagaStep(create2)
            var create2Done = create2
            create2Done.status = .succeeded
            create2Done.result = ["billing_order_id": "sub_second"]
            try await store.orders.saveSagaStep(create2Done)

            try expect(try await store.orders.sagaSteps(orderID: order.id, generation: 1) == [create1, allocate1], "generation 1's records")
            try expect(try await store.orders.sagaSteps(orderID: order.id, generation: 2) == [create2Done], "generation 2's records")
            try expect(try await store.orders.sagaSteps(orderID: order.id, generation: 3).isEmpty, "generation 3 has records")
            try expect(
                try await store.orders.sagaSteps(orderID: order.id) == [create1, allocate1, create2Done], "every generation, in order"
            )
            // A key stays unique across generations: generation 2 cannot take generation 1's key.
            let borrowed = SagaStepRecord(
                orderID: order.id, step: "sim.allocate#0", generation: 2, idempotencyKey: allocate1.idempotencyKey, updatedAt: t0
            )
            try await StoreConformance.expectStoreError(.conflict) { try await store.orders.saveSagaStep(borrowed) }
            try expect(try await store.orders.sagaSteps(orderID: order.id, generation: 2) == [create2Done], "the borrowed key was stored")
        },
    ]
}
