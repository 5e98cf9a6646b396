/// A recursive-descent parser over ``SalesforceSOQLToken``s for ``SalesforceSOQLQuery``.
struct SalesforceSOQLParser {
    let tokens: [SalesforceSOQLToken]
    var position = 0

    init(tokens: [SalesforceSOQLToken]) { self.tokens = tokens }

    var atEnd: Bool { position >= tokens.count }

    var peekText: String {
        guard position < tokens.count else { return "end of query" }
        switch tokens[position] {
        case .word(let text), .number(let text), .symbol(let text): return text
        case .string(let text): return "'\(text)'"
        }
    }

    mutating func query() throws(SalesforceSOQLError) -> SalesforceSOQLQuery {
        try keyword("SELECT")
        var items: [SalesforceSOQLQuery.Item] = []
        repeat {
            if accept(symbol: "(") {
                items.append(.subquery(try query()))
                try expect(symbol: ")")
            } else {
                items.append(.field(try path()))
            }
        } while accept(symbol: ",")
        try keyword("FROM")
        // `FROM Order` is valid SOQL although ORDER is a keyword elsewhere.
        var query = SalesforceSOQLQuery(items: items, object: try word(allowing: ["ORDER"]))
        if acceptKeyword("WHERE") {
            repeat { query.conditions.append(try condition()) } while acceptKeyword("AND")
        }
        if acceptKeyword("ORDER") {
            try keyword("BY")
            repeat {
                let path = try path()
                var descending = false
                if acceptKeyword("DESC") { descending = true } else { _ = acceptKeyword("ASC") }
                var nullsLast = descending
                if acceptKeyword("NULLS") {
                    if acceptKeyword("LAST") { nullsLast = true } else { try keyword("FIRST"); nullsLast = false }
                }
                query.ordering.append(.init(path: path, descending: descending, nullsLast: nullsLast))
            } while accept(symbol: ",")
        }
        if acceptKeyword("LIMIT") {
            guard position < tokens.count, case .number(let text) = tokens[position], let limit = Int(text), limit >= 0 else {
                throw SalesforceSOQLError("unexpected token: \(peekText)")
            }
            position += 1
            query.limit = limit
        }
        return query
    }

    private mutating func condition() throws(SalesforceSOQLError) -> SalesforceSOQLQuery.Condition {
        let path = try path()
        if acceptKeyword("NOT") {
            try keyword("IN")
            return .init(path: path, op: .notIn, values: try list())
        }
        if acceptKeyword("IN") { return .init(path: path, op: .isIn, values: try list()) }
        guard position < tokens.count, case .symbol(let symbol) = tokens[position],
            let op = SalesforceSOQLQuery.Operator(rawValue: symbol == "<>" ? "!=" : symbol)
        else { throw SalesforceSOQLError("unexpected token: \(peekText)") }
        position += 1
        return .init(path: path, op: op, values: [try literal()])
    }

    private mutating func list() throws(SalesforceSOQLError) -> [SalesforceSOQLQuery.Literal] {
        try expect(symbol: "(")
        var values: [SalesforceSOQLQuery.Literal] = []
        repeat { values.append(try literal()) } while accept(symbol: ",")
        try expect(symbol: ")")
        return values
    }

    private mutating func literal() throws(SalesforceSOQLError) -> SalesforceSOQLQuery.Literal {
        guard position < tokens.count else { throw SalesforceSOQLError("unexpected end of query") }
        let token = tokens[position]
        position += 1
        switch token {
        case .string(let value): return .string(value)
        case .number(let text):
            guard let value = Double(text) else { throw SalesforceSOQLError("invalid number: \(text)") }
            return .number(value)
        case .word(let word):
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: throw SalesforceSOQLError("unexpected token: \(word)")
            }
        case .symbol(let symbol): throw SalesforceSOQLError("unexpected token: \(symbol)")
        }
    }

    private mutating func path() throws(SalesforceSOQLError) -> [String] {
        let text = try word()
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty }) else { throw SalesforceSOQLError("unexpected token: \(text)") }
        return parts
    }

    private mutating func word(allowing allowed: Set<String> = []) throws(SalesforceSOQLError) -> String {
        guard position < tokens.count, case .word(let text) = tokens[position] else {
            throw SalesforceSOQLError("unexpected token: \(peekText)")
        }
        let reserved: Set<String> = ["SELECT", "FROM", "WHERE", "AND", "OR", "ORDER", "BY", "LIMIT", "IN", "NOT"]
        guard !reserved.subtracting(allowed).contains(text.uppercased()) else { throw SalesforceSOQLError("unexpected token: \(text)") }
        position += 1
        return text
    }

    private mutating func keyword(_ keyword: String) throws(SalesforceSOQLError) {
        guard acceptKeyword(keyword) else { throw SalesforceSOQLError("unexpected token: \(peekText)") }
    }

    private mutating func acceptKeyword(_ keyword: String) -> Bool {
        guard position < tokens.count, case .word(let text) = tokens[position], text.uppercased() == keyword else { return false }
        position += 1
        return true
    }

    private mutating func accept(symbol: String) -> Bool {
        guard position < tokens.count, tokens[position] == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    private mutating func expect(symbol: String) throws(SalesforceSOQLError) {
        guard accept(symbol: symbol) else { throw SalesforceSOQLError("unexpected token: \(peekText)") }
    }
}
