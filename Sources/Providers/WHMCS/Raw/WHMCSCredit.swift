/// `GetCredits`: the client's credit log.
///
/// https://developers.whmcs.com/api-reference/getcredits/
///
/// The documentation shows the list flattened into keys (`"credits[credit][0][id]": "1"`), the way WHMCS renders
/// nested arrays for `responsetype=nvp`; JSON installations answer `{"credits": {"credit": [...]}}`. Both are read.
struct WHMCSCreditsResponse: Decodable, Sendable {
    let credits: [WHMCSCredit]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WHMCSKey.self)
        if container.contains(WHMCSKey("credits")) {
            credits = try container.decode(WHMCSList<WHMCSCreditListName, WHMCSCredit>.self, forKey: WHMCSKey("credits")).items
            return
        }
        var rows: [Int: [String: String]] = [:]
        let prefix = "credits[credit]["
        for key in container.allKeys where key.stringValue.hasPrefix(prefix) {
            let rest = key.stringValue.dropFirst(prefix.count)
            guard let close = rest.firstIndex(of: "]"), let index = Int(rest[..<close]) else { continue }
            let field = rest[rest.index(after: close)...].dropFirst().dropLast()
            rows[index, default: [:]][String(field)] = try container.decode(WHMCSText.self, forKey: key).value
        }
        credits = try rows.keys.sorted().map { index throws in
            let row = rows[index] ?? [:]
            let base = "$.credits[credit][\(index)]"
            func field(_ name: String) throws -> String {
                guard let value = row[name] else {
                    throw DecodingError.keyNotFound(
                        WHMCSKey("\(prefix)\(index)][\(name)]"),
                        DecodingError.Context(codingPath: [], debugDescription: "missing field")
                    )
                }
                return value
            }
            let amount = try field("amount")
            guard WHMCSDecimal.isPlainDecimal(amount) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: [WHMCSKey("\(prefix)\(index)][amount]")], debugDescription: "not a decimal")
                )
            }
            return WHMCSCredit(
                id: WHMCSText(try field("id")),
                description: row["description"] ?? "",
                amount: WHMCSDecimal(amount, path: "\(base)[amount]")
            )
        }
    }
}

struct WHMCSCredit: Decodable, Sendable {
    let id: WHMCSText
    let description: String
    let amount: WHMCSDecimal

    init(id: WHMCSText, description: String, amount: WHMCSDecimal) {
        self.id = id
        self.description = description
        self.amount = amount
    }
}

/// `GetTransactions`: payments and refunds, filtered by invoice, client or gateway transaction id.
///
/// https://developers.whmcs.com/api-reference/gettransactions/
struct WHMCSTransactionsResponse: Decodable, Sendable {
    let transactions: WHMCSList<WHMCSTransactionListName, WHMCSTransaction>
}

struct WHMCSTransaction: Decodable, Sendable {
    let id: WHMCSText
    let userid: WHMCSText?
    let invoiceid: WHMCSText?
    let transid: String?
    let amountin: WHMCSDecimal?
    let amountout: WHMCSDecimal?
}
