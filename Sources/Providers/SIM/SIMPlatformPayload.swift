package import Domain
package import Foundation

/// A verified webhook's content: the finished operation and the line as it is now.
package typealias SIMPlatformWebhook = (eventID: String, type: String, operation: SIMOperation, line: SIMLine)

/// Turns SIM platform response bodies into Domain values or ``ProviderError``s: the envelope's result code is
/// checked first (fixtures/upstream/sim/README.md §5), then the payload is decoded and mapped.
package enum SIMPlatformPayload {
    /// `master/getAcnt`: the account's lines.
    package static func lines(_ data: Data) throws(ProviderError) -> [SIMLine] {
        try checkResult(data, httpStatus: 200)
        let response = try ProviderError.decode(SIMPlatformAccountResponse.self, from: data, provider: .sim)
        var lines: [SIMLine] = []
        lines.reserveCapacity(response.account.lines.count)
        for (index, raw) in response.account.lines.enumerated() {
            lines.append(try SIMLine(simPlatform: raw, path: "$.account.lines[\(index)]"))
        }
        return lines
    }

    /// `master/getLine`: one line.
    package static func line(_ data: Data) throws(ProviderError) -> SIMLine {
        try checkResult(data, httpStatus: 200)
        let response = try ProviderError.decode(SIMPlatformLineResponse.self, from: data, provider: .sim)
        return try SIMLine(simPlatform: response.line, path: "$.line")
    }

    /// `mvno/getTrafficInfo`: one line's usage this month.
    package static func usage(_ data: Data) throws(ProviderError) -> DataUsage {
        try checkResult(data, httpStatus: 200)
        let response = try ProviderError.decode(SIMPlatformTrafficResponse.self, from: data, provider: .sim)
        return try DataUsage(simPlatform: response.traffic, path: "$.traffic")
    }

    /// `mvno/getOpStatus` and every mutation: one operation.
    package static func operation(_ data: Data) throws(ProviderError) -> SIMOperation {
        try checkResult(data, httpStatus: 200)
        let response = try ProviderError.decode(SIMPlatformOperationResponse.self, from: data, provider: .sim)
        return try SIMOperation(simPlatform: response.operation, path: "$.operation")
    }

    /// `authOem`: the auth key and its lifetime.
    package static func authKey(_ data: Data) throws(ProviderError) -> SIMPlatformAuthKey {
        try checkResult(data, httpStatus: 200)
        let response = try ProviderError.decode(SIMPlatformAuthResponse.self, from: data, provider: .sim)
        guard !response.authKey.isEmpty else { throw .invalidPayload(.sim, path: "$.authKey", "empty auth key") }
        guard let seconds = SIMPlatformDecimal.int64(response.expiresIn), seconds > 0 else {
            throw .invalidPayload(.sim, path: "$.expiresIn", "not a positive number of seconds")
        }
        return SIMPlatformAuthKey(value: response.authKey, lifetime: .seconds(seconds))
    }

    /// A webhook body (its signature is checked by the receiver before this): the finished operation and the
    /// line as it is now.
    package static func webhook(_ data: Data) throws(ProviderError) -> SIMPlatformWebhook {
        let event = try ProviderError.decode(SIMPlatformWebhookEvent.self, from: data, provider: .sim)
        guard !event.eventId.isEmpty else { throw .invalidPayload(.sim, path: "$.eventId", "empty event id") }
        return (
            event.eventId,
            event.eventType,
            try SIMOperation(simPlatform: event.operation, path: "$.operation"),
            try SIMLine(simPlatform: event.line, path: "$.line")
        )
    }

    /// Throws the ``ProviderError`` a response stands for, unless it is a success (`resultCode` `100`, HTTP 2xx).
    ///
    /// A body with an envelope is judged by its result code; a non-2xx answer without one by its HTTP status
    /// (401/403 unauthorized, 404 notFound, 409 conflict, other 4xx rejected, anything else unavailable).
    ///
    /// - Parameters:
    ///   - data: The response body.
    ///   - httpStatus: The response's HTTP status.
    ///   - retryAfter: The response's `Retry-After`, kept on a rate-limit error.
    /// - Throws: The mapped error; `invalidPayload` for a 2xx body without an envelope.
    package static func checkResult(_ data: Data, httpStatus: Int, retryAfter: Duration? = nil) throws(ProviderError) {
        let success = (200..<300).contains(httpStatus)
        let envelope: SIMPlatformEnvelope
        if success {
            envelope = try ProviderError.decode(SIMPlatformEnvelope.self, from: data, provider: .sim)
        } else if let decoded = try? ProviderError.decode(SIMPlatformEnvelope.self, from: data, provider: .sim),
            decoded.resultCode != SIMPlatformEnvelope.success
        {
            envelope = decoded
        } else {
            throw httpError(httpStatus, retryAfter: retryAfter)
        }
        guard envelope.resultCode != SIMPlatformEnvelope.success else { return }
        throw resultError(envelope, httpStatus: httpStatus, retryAfter: retryAfter)
    }

    /// The error for a non-success result code (the table of README §5).
    static func resultError(_ envelope: SIMPlatformEnvelope, httpStatus: Int, retryAfter: Duration?) -> ProviderError {
        let code: ProviderError.Code
        let meaning: String
        switch envelope.resultCode {
        case "210": (code, meaning) = (.unauthorized, "auth key expired or unknown")
        case "211": (code, meaning) = (.unauthorized, "OEM credentials refused")
        case "220": (code, meaning) = (.rejected, "invalid parameter")
        case "221": (code, meaning) = (.rejected, "no such API operation")
        case "230": (code, meaning) = (.notFound, "account not found")
        case "231": (code, meaning) = (.notFound, "line not found")
        case "232": (code, meaning) = (.notFound, "operation not found")
        case "240": (code, meaning) = (.conflict, "line locked by a running operation")
        case "241": (code, meaning) = (.conflict, "line status does not allow the operation")
        case "242": (code, meaning) = (.conflict, "request id reused with other parameters")
        case "250": (code, meaning) = (.rejected, "no free SIM card in the pool")
        case "260": (code, meaning) = (.rateLimited, "rate limited")
        case "290": (code, meaning) = (.unavailable, "platform failure")
        default: (code, meaning) = (.rejected, "unknown result code")
        }
        // The platform's message may name a phone number, so only the code and its meaning are kept.
        return ProviderError(
            code,
            provider: .sim,
            upstreamStatus: httpStatus,
            upstreamCode: envelope.resultCode,
            retryAfter: code == .rateLimited ? retryAfter : nil,
            detail: meaning
        )
    }

    static func httpError(_ status: Int, retryAfter: Duration?) -> ProviderError {
        let code: ProviderError.Code
        switch status {
        case 401, 403: code = .unauthorized
        case 404: code = .notFound
        case 409: code = .conflict
        case 429: code = .rateLimited
        case 400..<500: code = .rejected
        default: code = .unavailable
        }
        return ProviderError(
            code,
            provider: .sim,
            upstreamStatus: status,
            retryAfter: code == .rateLimited ? retryAfter : nil,
            detail: "HTTP \(status) without a result envelope"
        )
    }
}
