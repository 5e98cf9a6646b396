import PostgresNIO

/// What PostgreSQL said about a failed query, unwrapped from PostgresNIO's error types.
///
/// Only the SQLSTATE and the server's primary message are kept: the message names constraints and objects,
/// while the server's `detail` field can repeat the values of a row (an email in a unique violation), so it
/// is never read.
struct PostgresFailure {
    let sqlState: String?
    let message: String?
    let code: PSQLError.Code?

    init(_ error: any Error) {
        var error = error
        if let transaction = error as? PostgresTransactionError,
            let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        {
            error = inner
        }
        let psql = error as? PSQLError
        sqlState = psql?.serverInfo?[.sqlState]
        message = psql?.serverInfo?[.message]
        code = psql?.code
    }

    /// `SQLSTATE 42P07: relation "users" already exists`, for migration failures (which carry no data).
    var summary: String {
        if let sqlState { return "SQLSTATE \(sqlState): \(message ?? "no message")" }
        return code.map { "driver error \($0)" } ?? "unknown error"
    }

    /// Maps a failure to the ``StoreError`` a caller can act on, or returns it unchanged.
    ///
    /// - Parameter conflict: What a unique violation means for this call (safe to log).
    static func storeError(_ error: any Error, conflict: String) -> any Error {
        if error is StoreError { return error }
        let failure = PostgresFailure(error)
        switch failure.sqlState {
        case "23505": return StoreError(.conflict, conflict)
        // query_canceled (statement_timeout) and lock_not_available (lock_timeout).
        case "57014", "55P03": return StoreError(.unavailable, "the database did not answer in time")
        default: break
        }
        let unreachable: [PSQLError.Code] = [.connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed]
        if let code = failure.code, failure.sqlState == nil, unreachable.contains(code) {
            return StoreError(.unavailable, "the database is unreachable")
        }
        return error
    }
}

/// Runs one store operation, mapping PostgreSQL failures with ``PostgresFailure/storeError(_:conflict:)``.
func storeOperation<Result>(
    conflict: String = "the change conflicts with an existing row",
    _ body: () async throws -> Result
) async throws -> Result {
    do {
        return try await body()
    } catch {
        throw PostgresFailure.storeError(error, conflict: conflict)
    }
}
