public import Providers
import Foundation

/// One named check of a conformance suite, run against a harness (an adapter plus its running sandbox).
///
/// Each check throws ``ConformanceFailure`` (or any error) when the adapter does not behave.
public struct ProviderCheck<Harness: Sendable>: Sendable, CustomStringConvertible {
    public let description: String
    public let run: @Sendable (Harness) async throws -> Void

    public init(_ description: String, _ run: @escaping @Sendable (Harness) async throws -> Void) {
        self.description = description
        self.run = run
    }
}

/// How a harness builds its adapter for one check: transport settings (short deadlines, small breaker
/// windows) and whether to use credentials the sandbox accepts.
public struct ProviderSetup: Sendable {
    public var tune: @Sendable (inout TransportConfiguration) -> Void
    public var validCredentials: Bool

    public init(validCredentials: Bool = true, tune: @escaping @Sendable (inout TransportConfiguration) -> Void = { _ in }) {
        self.tune = tune
        self.validCredentials = validCredentials
    }

    public static let standard = ProviderSetup()
}

public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String, file: StaticString = #fileID, line: UInt = #line) {
        self.description = "\(description) (\(file):\(line))"
    }
}

/// Fails unless `condition` holds.
public func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) throws {
    if !condition { throw ConformanceFailure(message(), file: file, line: line) }
}

/// Runs `body` and returns the ``ProviderError`` it throws; fails if it succeeds or throws anything else,
/// or if the code is not `code`.
@discardableResult
public func expectProviderError<T>(
    _ code: ProviderError.Code,
    file: StaticString = #fileID,
    line: UInt = #line,
    _ body: () async throws -> T
) async throws -> ProviderError {
    do {
        _ = try await body()
    } catch let error as ProviderError {
        try require(error.code == code, "expected \(code), got \(error)", file: file, line: line)
        return error
    } catch {
        throw ConformanceFailure("expected ProviderError \(code), got \(type(of: error)): \(error)", file: file, line: line)
    }
    throw ConformanceFailure("expected ProviderError \(code), the call succeeded", file: file, line: line)
}
