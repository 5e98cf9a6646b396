/// The SOQL subset the Salesforce sandbox understands, parsed:
/// `SELECT f, r.f, (SELECT … FROM Children [WHERE …]) FROM Object [WHERE c AND c …] [ORDER BY f [ASC|DESC]
/// [NULLS FIRST|LAST], …] [LIMIT n]`, where a condition is `path = | != | < | <= | > | >= literal` or
/// `path [NOT] IN (literal, …)` and a literal is a quoted string (with SOQL's backslash escapes), a number,
/// `true`, `false` or `null`. Keywords are case-insensitive. Anything else is `MALFORMED_QUERY`, as Salesforce
/// answers for a query it cannot parse.
struct SalesforceSOQLQuery: Sendable, Hashable {
    enum Item: Sendable, Hashable {
        /// A field or a parent relationship path (`Name`, `CreatedBy.Name`).
        case field([String])
        /// A child relationship sub-query; its `object` is the relationship name (`PricebookEntries`).
        case subquery(SalesforceSOQLQuery)
    }

    enum Literal: Sendable, Hashable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    enum Operator: String, Sendable, Hashable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case isIn = "IN", notIn = "NOT IN"
    }

    struct Condition: Sendable, Hashable {
        let path: [String]
        let op: Operator
        let values: [Literal]
    }

    struct Ordering: Sendable, Hashable {
        let path: [String]
        let descending: Bool
        let nullsLast: Bool
    }

    var items: [Item]
    var object: String
    var conditions: [Condition] = []
    var ordering: [Ordering] = []
    var limit: Int?

    /// Parses `text`.
    ///
    /// - Throws: ``SalesforceSOQLError`` describing the first thing not understood.
    static func parse(_ text: String) throws(SalesforceSOQLError) -> SalesforceSOQLQuery {
        var parser = SalesforceSOQLParser(tokens: try SalesforceSOQLLexer.tokens(text))
        let query = try parser.query()
        guard parser.atEnd else { throw SalesforceSOQLError("unexpected token: \(parser.peekText)") }
        return query
    }

    /// The object of the outermost `FROM`, without validating the rest (for naming operations).
    static func outerObject(_ text: String) -> String? {
        guard let tokens = try? SalesforceSOQLLexer.tokens(text) else { return nil }
        var depth = 0
        for (index, token) in tokens.enumerated() {
            switch token {
            case .symbol("("): depth += 1
            case .symbol(")"): depth -= 1
            case .word(let word) where depth == 0 && word.uppercased() == "FROM":
                if index + 1 < tokens.count, case .word(let object) = tokens[index + 1] { return object }
                return nil
            default: continue
            }
        }
        return nil
    }
}

struct SalesforceSOQLError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

enum SalesforceSOQLToken: Sendable, Hashable {
    case word(String)
    case string(String)
    case number(String)
    case symbol(String)
}

enum SalesforceSOQLLexer {
    static func tokens(_ text: String) throws(SalesforceSOQLError) -> [SalesforceSOQLToken] {
        var tokens: [SalesforceSOQLToken] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" {
                index += 1
            } else if scalar == "'" {
                var value = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    let next = scalars[index]
                    if next == "\\" {
                        guard index + 1 < scalars.count else { break }
                        let escaped = scalars[index + 1]
                        switch escaped {
                        case "n": value.append("\n")
                        case "r": value.append("\r")
                        case "t": value.append("\t")
                        case "b": value.append("\u{08}")
                        case "f": value.append("\u{0C}")
                        case "'", "\"", "\\", "_", "%": value.append(escaped)
                        default: throw SalesforceSOQLError("Invalid string literal: illegal escape sequence \\\(escaped)")
                        }
                        index += 2
                    } else if next == "'" {
                        closed = true
                        index += 1
                        break
                    } else {
                        value.append(next)
                        index += 1
                    }
                }
                guard closed else { throw SalesforceSOQLError("unterminated string literal") }
                tokens.append(.string(String(value)))
            } else if "(),".unicodeScalars.contains(scalar) {
                tokens.append(.symbol(String(scalar)))
                index += 1
            } else if "=!<>".unicodeScalars.contains(scalar) {
                var symbol = String(scalar)
                if index + 1 < scalars.count, scalars[index + 1] == "=" {
                    symbol.unicodeScalars.append("=")
                    index += 1
                }
                guard symbol != "!" else { throw SalesforceSOQLError("unexpected token: !") }
                tokens.append(.symbol(symbol))
                index += 1
            } else if isWordStart(scalar) || scalar == "-" || isDigit(scalar) {
                var word = String.UnicodeScalarView([scalar])
                index += 1
                while index < scalars.count, isWordPart(scalars[index]) {
                    word.append(scalars[index])
                    index += 1
                }
                let text = String(word)
                let isNumber = text.unicodeScalars.allSatisfy { isDigit($0) || $0 == "." || $0 == "-" }
                tokens.append(isNumber ? .number(text) : .word(text))
            } else {
                throw SalesforceSOQLError("unexpected token: \(scalar)")
            }
        }
        return tokens
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    static func isWordStart(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" }
    static func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
        isWordStart(scalar) || isDigit(scalar) || scalar == "." || scalar == "-" || scalar == ":"
    }
}
