import Foundation
import NIOConcurrencyHelpers

/// Wall-clock milliseconds since 1970, injectable so tests can move time without sleeping.
public struct CacheClock: Sendable {
    public let nowMillis: @Sendable () -> Int64

    public init(nowMillis: @escaping @Sendable () -> Int64) {
        self.nowMillis = nowMillis
    }

    public static let system = CacheClock { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// A clock that moves only when told to.
    public static func manual(startingAt start: Int64 = 1_800_000_000_000) -> (CacheClock, advance: @Sendable (Duration) -> Void) {
        let now = NIOLockedValueBox(start)
        let clock = CacheClock { now.withLockedValue { $0 } }
        return (clock, { duration in now.withLockedValue { $0 += duration.milliseconds } })
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
