/// A stored payment method, masked: never more than the last four digits of a card or account number.
public struct PaymentMethod: Sendable, Hashable, Codable, Identifiable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case card
        case bankAccount = "bank_account"
        case wallet
        case other
    }

    public let id: String
    public var kind: Kind
    /// `visa`, `mastercard`, a bank name, a gateway name.
    public var brand: String?
    public var last4: String?
    public var expiryMonth: Int?
    public var expiryYear: Int?
    public var isDefault: Bool

    /// - Throws: `ValidationError.invalidFormat` when `last4` is not exactly four digits (it would not be masked).
    public init(
        id: String, kind: Kind, brand: String?, last4: String?, expiryMonth: Int? = nil, expiryYear: Int? = nil, isDefault: Bool = false
    ) throws(ValidationError) {
        if let last4, last4.utf8.count != 4 || !last4.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            throw ValidationError(.invalidFormat, field: "last4", "exactly four digits")
        }
        if let expiryMonth, !(1...12).contains(expiryMonth) {
            throw ValidationError(.outOfRange, field: "expiry_month", "1 to 12")
        }
        self.id = id
        self.kind = kind
        self.brand = brand
        self.last4 = last4
        self.expiryMonth = expiryMonth
        self.expiryYear = expiryYear
        self.isDefault = isDefault
    }
}
