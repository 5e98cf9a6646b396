import Foundation
import NIOConcurrencyHelpers

extension SIMSandbox {
    /// The number of the line a new mutation will run on, or why it is refused.
    typealias Admission = Result<String, SIMSandboxFailure>

    /// A mutation (README §4): replayed by `requestId`, else checked against the line's lock and status, then
    /// accepted as a new operation that locks the line and finishes after ``operationDelay``.
    func submit(_ name: String, _ request: SIMSandboxRequest, oem: String) throws(SIMSandboxFailure) -> [String: JSONValue] {
        let requestID = try request.required("requestId")
        guard requestID.count <= 128 else { throw SIMSandboxFailure("220", "invalid parameter: requestId") }
        let kind = String(name.split(separator: "/").last ?? "")
        let parameterNames =
            name == Operations.allocate ? ["account", "planCode"] : name == Operations.changePlan ? ["msisdn", "planCode"] : ["msisdn"]
        var parameters: [String: String] = [:]
        for parameter in parameterNames { parameters[parameter] = try request.required(parameter) }
        let fingerprint = name + "|" + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let now = Date()
        let outcome = state.withLockedValue { state -> Result<(operation: JSONValue, isNew: Bool), SIMSandboxFailure> in
            let remembered = oem + "|" + requestID
            if let prior = state.requests[remembered] {
                guard prior.fingerprint == fingerprint else {
                    return .failure(SIMSandboxFailure("242", "requestId reused with different parameters"))
                }
                guard let operation = state.operations[prior.operationID] else {
                    return .failure(SIMSandboxFailure("290", "platform failure"))
                }
                return .success((operation.json, false))
            }
            let msisdn: String
            switch Self.admit(kind, parameters, in: &state, now: now) {
            case .failure(let failure): return .failure(failure)
            case .success(let number): msisdn = number
            }
            state.nextOperation += 1
            let id = "OP-" + String(format: "%06d", state.nextOperation)
            let armed = state.armedFailures[kind]?.isEmpty == false ? state.armedFailures[kind]?.removeFirst() : nil
            let operation = SIMSandboxState.Operation(
                id: id,
                kind: kind,
                msisdn: msisdn,
                account: state.lines[msisdn]?.account ?? "",
                status: "accepted",
                requestID: requestID,
                acceptedAt: now,
                planCode: parameters["planCode"],
                failure: armed
            )
            state.operations[id] = operation
            state.lines[msisdn]?.lockedBy = id
            state.requests[remembered] = .init(fingerprint: fingerprint, operationID: id)
            return .success((operation.json, true))
        }
        switch outcome {
        case .failure(let failure):
            throw failure
        case .success(let accepted):
            if accepted.isNew { scheduleSettle() }
            return ["operationId": accepted.operation["operationId"], "operation": accepted.operation]
        }
    }

    /// Checks a new mutation against the state and, for `allocate`, reserves the next free card; returns the
    /// number of the line it will run on.
    static func admit(_ kind: String, _ parameters: [String: String], in state: inout SIMSandboxState, now: Date) -> Admission {
        if kind == "allocate" {
            let account = parameters["account"] ?? ""
            guard state.accounts[account] != nil else { return .failure(SIMSandboxFailure("230", "account not found")) }
            guard let plan = parameters["planCode"], plans[plan] != nil else {
                return .failure(SIMSandboxFailure("220", "invalid parameter: planCode"))
            }
            guard !state.pool.isEmpty else { return .failure(SIMSandboxFailure("250", "no free SIM card in the pool")) }
            let card = state.pool.removeFirst()
            if let previous = state.lines[card.msisdn] {
                state.accounts[previous.account]?.lineIDs.removeAll { $0 == card.msisdn }
            }
            state.lines[card.msisdn] = SIMSandboxState.Line(
                msisdn: card.msisdn,
                iccid: card.iccid,
                account: account,
                planCode: plan,
                status: "reserved",
                simType: "nano",
                networkType: "4G",
                openingDate: SIMSandboxTime.day(now),
                lockedBy: nil,
                usedBytes: 0
            )
            state.accounts[account]?.lineIDs.append(card.msisdn)
            return .success(card.msisdn)
        }
        let msisdn = parameters["msisdn"] ?? ""
        guard let line = state.lines[msisdn] else { return .failure(SIMSandboxFailure("231", "line not found")) }
        if let lockedBy = line.lockedBy {
            var failure = SIMSandboxFailure("240", "line locked by a running operation")
            failure.members["lockedBy"] = .string(lockedBy)
            return .failure(failure)
        }
        let allowed: Set<String> =
            switch kind {
            case "configure": ["reserved"]
            case "activate": ["registered"]
            case "verify": ["active"]
            case "changePlan", "deactivate": ["active", "suspended"]
            case "release": ["reserved", "registered"]
            default: []
            }
        guard allowed.contains(line.status) else {
            return .failure(SIMSandboxFailure("241", "line status does not allow this operation"))
        }
        if kind == "changePlan" {
            guard let plan = parameters["planCode"], plans[plan] != nil, plan != line.planCode else {
                return .failure(SIMSandboxFailure("220", "invalid parameter: planCode"))
            }
        }
        return .success(msisdn)
    }

    // MARK: Progress

    /// Finishes the operations whose time has come after ``operationDelay`` (an idempotent catch-up), whether
    /// someone polls or not.
    func scheduleSettle() {
        let delay = operationDelay
        Task { [self] in
            try? await Task.sleep(for: delay)
            settle()
        }
    }

    /// Advances every running operation to where its age puts it and sends the webhooks of those that finished.
    func settle() {
        let now = Date()
        let delay = Double(operationDelay.components.seconds) + Double(operationDelay.components.attoseconds) / 1e18
        let events = state.withLockedValue { state -> [SIMSandboxEvent] in
            var events: [SIMSandboxEvent] = []
            for id in state.operations.keys.sorted() {
                guard let operation = state.operations[id], !operation.isFinished else { continue }
                let age = now.timeIntervalSince(operation.acceptedAt)
                if age >= delay {
                    events.append(Self.finish(id, in: &state, now: now))
                } else if age >= delay / 4, operation.status == "accepted" {
                    state.operations[id]?.status = "processing"
                }
            }
            return events
        }
        for event in events { send(event) }
    }

    /// Ends operation `id`: applies its effect on the line (or not, when it fails), unlocks the line, and
    /// renders its webhook.
    static func finish(_ id: String, in state: inout SIMSandboxState, now: Date) -> SIMSandboxEvent {
        guard var operation = state.operations[id], var line = state.lines[operation.msisdn] else {
            return SIMSandboxEvent(type: "operation.failed", body: Data())
        }
        operation.completedAt = now
        var eventType = "operation.failed"
        if let failure = operation.failure {
            operation.status = "failed"
            operation.errorCode = failure.code
            operation.errorMessage = failure.message
            if operation.kind == "allocate" {
                line.status = "returned"
                state.pool.append(.init(iccid: line.iccid, msisdn: line.msisdn))
            }
        } else {
            operation.status = "completed"
            switch operation.kind {
            case "configure": line.status = "registered"
            case "activate": line.status = "active"
            case "changePlan": line.planCode = operation.planCode ?? line.planCode
            case "deactivate": line.status = "terminated"
            case "release":
                line.status = "returned"
                state.pool.append(.init(iccid: line.iccid, msisdn: line.msisdn))
            default: break
            }
            eventType = Self.eventTypes[operation.kind] ?? "operation.completed"
        }
        line.lockedBy = nil
        state.operations[id] = operation
        state.lines[line.msisdn] = line
        state.nextEvent += 1
        let event: JSONValue = [
            "eventId": .string("EVT-" + String(format: "%06d", state.nextEvent)), "eventType": .string(eventType),
            "occurredAt": .string(SIMSandboxTime.stamp(now)), "operation": operation.json, "line": line.json,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return SIMSandboxEvent(type: eventType, body: (try? encoder.encode(event)) ?? Data())
    }

    static let eventTypes = [
        "allocate": "line.allocated", "configure": "line.configured", "activate": "line.activated", "verify": "line.verified",
        "changePlan": "line.planChanged", "release": "line.released", "deactivate": "line.deactivated",
    ]

    /// Signs and sends one webhook (README §6): `X-SIM-Signature` is the hex HMAC-SHA256 of `"<ts>.<body>"`.
    func send(_ event: SIMSandboxEvent) {
        guard !event.body.isEmpty, control.webhookURL != nil else { return }
        let timestamp = Int64(Date().timeIntervalSince1970)
        let signature = SandboxSigning.timestamped(secret: webhookSecret, timestamp: timestamp, body: event.body)
        emitter.sendDetached(
            event: event.type,
            body: event.body,
            headers: [("X-SIM-Timestamp", String(timestamp)), ("X-SIM-Signature", signature)]
        )
    }
}
