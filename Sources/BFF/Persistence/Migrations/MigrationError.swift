/// Why ``PostgresMigrator`` refused or failed to bring the schema up to date.
///
/// The detail names versions and SQLSTATEs, never connection settings or data.
public struct MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable {
        private enum Base: Hashable { case checksumMismatch, failed, lockTimeout, invalidSequence, unreachable }
        private let base: Base
        /// An applied migration differs from the one in this build (someone edited a released migration).
        public static let checksumMismatch = Code(base: .checksumMismatch)
        /// A migration's SQL failed; its transaction was rolled back.
        public static let failed = Code(base: .failed)
        /// Another process held the migration lock for longer than the migrator waits.
        public static let lockTimeout = Code(base: .lockTimeout)
        /// The build's migration list is not strictly increasing from 1 (a programming error).
        public static let invalidSequence = Code(base: .invalidSequence)
        /// PostgreSQL did not accept a connection in time (down, wrong address or credentials).
        public static let unreachable = Code(base: .unreachable)
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "MigrationError(\(detail))" }
}
