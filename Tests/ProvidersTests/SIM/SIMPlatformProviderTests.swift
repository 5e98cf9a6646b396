import Domain
import Foundation
import ProviderConformance
import Sandbox
import Testing

@testable import Providers

/// ``SIMPlatformProvider`` behaviour beyond the conformance suite, against a running ``SIMSandbox``.
@Suite struct SIMPlatformProviderTests {
    typealias Ops = SIMSandbox.Operations

    @Test func aRefusedRenewedKeyIsUnauthorizedAfterExactlyOneRenewal() async throws {
        try await SIMTestServer.run { sandbox, server in
            let expired = String(decoding: try SandboxFixtures.data("sim/error_auth_expired.json"), as: UTF8.self)
            sandbox.control.inject(Ops.account, .status(200, body: expired))
            let provider = SIMTestServer.provider(sandbox, server)
            let error = try await #require(throws: ProviderError.self) { try await provider.lines(accountID: SIMSandbox.aliceAccountID) }
            #expect(error.code == .unauthorized)
            #expect(error.upstreamCode == "210")
            #expect(sandbox.control.callCount(Ops.account) == 2)
            #expect(sandbox.control.callCount(Ops.auth) == 2)
        }
    }

    @Test func concurrentFirstCallsShareOneAuthentication() async throws {
        try await SIMTestServer.run { sandbox, server in
            let provider = SIMTestServer.provider(sandbox, server)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await provider.lines(accountID: SIMSandbox.aliceAccountID).count } }
                for try await count in group { #expect(count == 2) }
            }
            #expect(sandbox.control.callCount(Ops.auth) == 1)
            #expect(sandbox.control.callCount(Ops.account) == 8)
        }
    }

    @Test func seededAccountsAndE164LineIDs() async throws {
        try await SIMTestServer.run { sandbox, server in
            let provider = SIMTestServer.provider(sandbox, server)
            let alice = try await provider.lines(accountID: SIMSandbox.aliceAccountID)
            #expect(alice.map(\.id) == SIMSandbox.aliceLineIDs)
            #expect(alice.map(\.plan) == [SIMSandbox.plan5GB, SIMSandbox.plan20GB])
            let bob = try await provider.lines(accountID: SIMSandbox.bobAccountID)
            #expect(bob.map(\.id) == [SIMSandbox.bobLineID])
            let byE164 = try await provider.line(id: "819012345678")
            #expect(byE164.id == "09012345678")
            #expect(byE164.msisdn?.value == "819012345678")
            let usage = try await provider.usage(lineID: "+819012345678")
            #expect(usage.usedBytes == 1_288_490_188)
            #expect(usage.limitBytes == 5 << 30)
            try await expectProviderError(.notFound) { try await provider.lines(accountID: "ACC-NOBODY") }
        }
    }

    @Test func usagePollingPastTheLimitIsRateLimitedWithRetryAfter() async throws {
        try await SIMTestServer.run(usageRequestsPerSecond: 2) { sandbox, server in
            let impatient = SIMTestServer.provider(sandbox, server, setup: ProviderSetup { $0.retry = .none })
            var limited: ProviderError?
            for _ in 0..<12 {
                do {
                    _ = try await impatient.usage(lineID: SIMSandbox.aliceLineIDs[0])
                } catch let error as ProviderError {
                    limited = error
                    break
                }
            }
            let error = try #require(limited, "twelve quick polls were all answered")
            #expect(error.code == .rateLimited)
            #expect(error.retryAfter != nil)
            // With retries, the transport waits out Retry-After and the poll succeeds.
            let patient = SIMTestServer.provider(sandbox, server)
            _ = try await patient.usage(lineID: SIMSandbox.aliceLineIDs[1])
        }
    }

    @Test func aFailedOperationReportsItsCodeAndLeavesTheLineUnlocked() async throws {
        try await SIMTestServer.run(operationDelay: .milliseconds(150)) { sandbox, server in
            let provider = SIMTestServer.provider(sandbox, server)
            let allocation = try await provider.allocate(
                accountID: SIMSandbox.bobAccountID,
                plan: SIMSandbox.plan5GB,
                idempotencyKey: "t-1"
            )
            try await finish(allocation, provider)
            try await finish(try await provider.configure(lineID: allocation.lineID, idempotencyKey: "t-2"), provider)
            sandbox.failNextOperation("activate")
            let activation = try await provider.activate(lineID: allocation.lineID, idempotencyKey: "t-3")
            let failed = try await finish(activation, provider)
            #expect(failed.status == .failed)
            #expect(failed.errorCode == "510")
            #expect(failed.errorMessage != nil)
            let line = try await provider.line(id: allocation.lineID)
            #expect(line.status == .configured)
            #expect(line.pendingOperationID == nil)
            // A failed step can be compensated.
            #expect(try await finish(try await provider.release(lineID: line.id, idempotencyKey: "t-4"), provider).status == .succeeded)
        }
    }

    @Test func anEmptyPoolRejectsAllocation() async throws {
        try await SIMTestServer.run(operationDelay: .seconds(5)) { sandbox, server in
            let provider = SIMTestServer.provider(sandbox, server)
            for number in 0..<SIMSandbox.poolSize {
                _ = try await provider.allocate(
                    accountID: SIMSandbox.bobAccountID,
                    plan: SIMSandbox.plan5GB,
                    idempotencyKey: "pool-\(number)"
                )
            }
            let error = try await expectProviderError(.rejected) {
                try await provider.allocate(accountID: SIMSandbox.bobAccountID, plan: SIMSandbox.plan5GB, idempotencyKey: "pool-last")
            }
            #expect(error.upstreamCode == "250")
        }
    }

    @Test func wrongStateIsConflictAndUnknownPlanRejected() async throws {
        try await SIMTestServer.run { sandbox, server in
            let provider = SIMTestServer.provider(sandbox, server)
            let line = SIMSandbox.bobLineID
            let state = try await expectProviderError(.conflict) { try await provider.configure(lineID: line, idempotencyKey: "w-1") }
            #expect(state.upstreamCode == "241")
            let plan = try await expectProviderError(.rejected) {
                try await provider.changePlan(lineID: line, plan: "SIM-1TB", idempotencyKey: "w-2")
            }
            #expect(plan.upstreamCode == "220")
            try await expectProviderError(.rejected) { try await provider.activate(lineID: line, idempotencyKey: "") }
            #expect(sandbox.control.callCount(Ops.activate) == 0)
        }
    }

    @discardableResult
    func finish(_ operation: SIMOperation, _ provider: SIMPlatformProvider) async throws -> SIMOperation {
        var current = operation
        for _ in 0..<200 where !current.status.isFinished {
            try await Task.sleep(for: .milliseconds(25))
            current = try await provider.operation(id: operation.id)
        }
        try #require(current.status.isFinished, "operation \(operation.id) still \(current.status)")
        return current
    }
}
