public import Foundation
import NIOCore
import PostgresNIO

/// A `Date` bound as a `timestamptz` rounded to the nearest microsecond, PostgreSQL's precision.
///
/// PostgresNIO truncates when it encodes a `Date`, and the `Date` it decodes from a stored value can sit a hair
/// below that value, so binding a date that was read back could land one microsecond early: a keyset page whose
/// key is the last row read would then skip the rows sharing that row's timestamp. Rounding makes a date read
/// back and bound again name exactly the stored value. The order store and the webhook inbox bind every date
/// through this type, and their memory twins keep dates at ``Foundation/Date/storedPrecision``, so both
/// backends return the same values.
struct PostgresTimestamp: PostgresNonThrowingEncodable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    let date: Date

    init(_ date: Date) { self.date = date }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(date.postgresMicroseconds)
    }
}

extension Date {
    /// PostgreSQL's timestamp epoch, 2000-01-01 00:00:00 UTC.
    static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    /// Microseconds since ``postgresEpoch``, rounded to the nearest; out-of-range values become PostgreSQL's
    /// `infinity` / `-infinity`.
    var postgresMicroseconds: Int64 {
        let micros = (timeIntervalSince(Self.postgresEpoch) * 1_000_000).rounded()
        guard micros > -9.0e18, micros < 9.0e18 else { return micros > 0 ? .max : .min }
        return Int64(micros)
    }

    /// This date as PostgreSQL stores it and PostgresNIO reads it back (the same arithmetic), so the memory stores
    /// return the very values the PostgreSQL ones do.
    package var storedPrecision: Date {
        Date(timeInterval: Double(postgresMicroseconds) / 1_000_000, since: Self.postgresEpoch)
    }
}
