/// Running parsed SOQL against the records: validation (unknown objects, fields and relationships fail as they
/// do in Salesforce), filtering, ordering, limits and projection into Salesforce's record JSON.
extension SalesforceSandboxStore {
    /// The rows of `query`, each projected with its `attributes`.
    ///
    /// - Throws: `INVALID_TYPE` for an unknown object, `INVALID_FIELD` for an unknown field or relationship.
    func run(_ query: SalesforceSOQLQuery, version: String) throws(SalesforceSandboxError) -> [JSONValue] {
        guard let object = objects.values.first(where: { $0.name.lowercased() == query.object.lowercased() }) else {
            throw .invalidType(query.object)
        }
        try validate(query, on: object)
        let rows = try select(records(of: object.name), query, object: object)
        var projected: [JSONValue] = []
        for row in rows { projected.append(try project(row, object: object, items: query.items, version: version)) }
        return projected
    }

    /// The REST `attributes` of a record.
    static func attributes(_ object: String, id: String?, version: String) -> JSONValue {
        ["type": .string(object), "url": .string("/services/data/\(version)/sobjects/\(object)/\(id ?? "")")]
    }

    /// `record` with only `items` (and `attributes`), parent relationships as nested records and child
    /// sub-queries as nested query results (`null` when empty, as Salesforce sends them).
    func project(
        _ record: [String: JSONValue], object: SalesforceSandboxObject, items: [SalesforceSOQLQuery.Item], version: String
    ) throws(SalesforceSandboxError) -> JSONValue {
        var output: [String: JSONValue] = ["attributes": Self.attributes(object.name, id: record["Id"]?.string, version: version)]
        var parents: [(name: String, relationship: SalesforceSandboxObject.Relationship, paths: [[String]])] = []
        for item in items {
            switch item {
            case .field(let path) where path.count == 1:
                guard let field = object.field(path[0]) else { throw .invalidField(path[0], object: object.name) }
                output[field] = record[field] ?? .null
            case .field(let path):
                guard let (name, relationship) = object.parent(path[0]) else { throw .invalidField(path.joined(separator: "."), object: object.name) }
                if let index = parents.firstIndex(where: { $0.name == name }) {
                    parents[index].paths.append(Array(path.dropFirst()))
                } else {
                    parents.append((name, relationship, [Array(path.dropFirst())]))
                }
            case .subquery(let subquery):
                guard let (name, relationship) = object.child(subquery.object), let child = objects[relationship.object] else {
                    throw .invalidType(subquery.object)
                }
                let parentID = record["Id"]?.string
                let related = records(of: child.name).filter { parentID != nil && $0[relationship.field]?.string == parentID }
                var rows: [JSONValue] = []
                for row in try select(related, subquery, object: child) {
                    rows.append(try project(row, object: child, items: subquery.items, version: version))
                }
                output[name] = rows.isEmpty ? .null : ["totalSize": .int(Int64(rows.count)), "done": true, "records": .array(rows)]
            }
        }
        for parent in parents {
            guard let target = objects[parent.relationship.object], let id = record[parent.relationship.field]?.string,
                let parentRecord = records[id]
            else {
                output[parent.name] = .null
                continue
            }
            output[parent.name] = try project(parentRecord, object: target, items: parent.paths.map { .field($0) }, version: version)
        }
        return .object(output)
    }

    // MARK: Validation

    private func validate(_ query: SalesforceSOQLQuery, on object: SalesforceSandboxObject) throws(SalesforceSandboxError) {
        for item in query.items {
            switch item {
            case .field(let path): try validate(path, on: object)
            case .subquery(let subquery):
                guard let (_, relationship) = object.child(subquery.object), let child = objects[relationship.object] else {
                    throw .invalidType(subquery.object)
                }
                try validate(subquery, on: child)
            }
        }
        for condition in query.conditions { try validate(condition.path, on: object) }
        for ordering in query.ordering { try validate(ordering.path, on: object) }
    }

    private func validate(_ path: [String], on object: SalesforceSandboxObject) throws(SalesforceSandboxError) {
        if path.count == 1 {
            guard object.field(path[0]) != nil else { throw .invalidField(path[0], object: object.name) }
            return
        }
        guard let (_, relationship) = object.parent(path[0]), let parent = objects[relationship.object] else {
            throw .invalidField(path.joined(separator: "."), object: object.name)
        }
        try validate(Array(path.dropFirst()), on: parent)
    }

    // MARK: Filtering and ordering

    private func select(
        _ rows: [[String: JSONValue]], _ query: SalesforceSOQLQuery, object: SalesforceSandboxObject
    ) throws(SalesforceSandboxError) -> [[String: JSONValue]] {
        var kept: [(row: [String: JSONValue], keys: [JSONValue], index: Int)] = []
        for (index, row) in rows.enumerated() {
            var matches = true
            for condition in query.conditions where matches {
                matches = Self.test(resolve(condition.path, in: row, object: object), condition)
            }
            guard matches else { continue }
            kept.append((row, query.ordering.map { resolve($0.path, in: row, object: object) }, index))
        }
        kept.sort { left, right in
            for (position, ordering) in query.ordering.enumerated() {
                let order = Self.compare(left.keys[position], right.keys[position], ordering)
                if order != 0 { return order < 0 }
            }
            return left.index < right.index
        }
        let limited = query.limit.map { Array(kept.prefix($0)) } ?? kept
        return limited.map(\.row)
    }

    /// The value at `path` (following parent lookups), `null` when a lookup is empty.
    func resolve(_ path: [String], in record: [String: JSONValue], object: SalesforceSandboxObject) -> JSONValue {
        guard let first = path.first else { return .null }
        if path.count == 1 { return object.field(first).flatMap { record[$0] } ?? .null }
        guard let (_, relationship) = object.parent(first), let parent = objects[relationship.object],
            let id = record[relationship.field]?.string, let parentRecord = records[id]
        else { return .null }
        return resolve(Array(path.dropFirst()), in: parentRecord, object: parent)
    }

    static func test(_ value: JSONValue, _ condition: SalesforceSOQLQuery.Condition) -> Bool {
        switch condition.op {
        case .isIn: return condition.values.contains { equals(value, $0) }
        case .notIn: return !condition.values.contains { equals(value, $0) }
        case .equal: return condition.values.first.map { equals(value, $0) } ?? false
        case .notEqual: return !(condition.values.first.map { equals(value, $0) } ?? false)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let literal = condition.values.first, let order = compare(value, literal) else { return false }
            switch condition.op {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        }
    }

    /// SOQL equality: text compares case-insensitively, as Salesforce does.
    static func equals(_ value: JSONValue, _ literal: SalesforceSOQLQuery.Literal) -> Bool {
        switch literal {
        case .null: return value.isNull
        case .bool(let expected): return value.bool == expected
        case .string(let expected): return value.string.map { $0.lowercased() == expected.lowercased() } ?? false
        case .number: return compare(value, literal) == 0
        }
    }

    static func compare(_ value: JSONValue, _ literal: SalesforceSOQLQuery.Literal) -> Int? {
        switch (value, literal) {
        case (.string(let text), .string(let other)): return sign(text.lowercased(), other.lowercased())
        case (.int(let number), .number(let other)): return sign(Double(number), other)
        case (.double(let number), .number(let other)): return sign(number, other)
        default: return nil
        }
    }

    static func compare(_ left: JSONValue, _ right: JSONValue, _ ordering: SalesforceSOQLQuery.Ordering) -> Int {
        switch (left.isNull, right.isNull) {
        case (true, true): return 0
        case (true, false): return ordering.nullsLast ? 1 : -1
        case (false, true): return ordering.nullsLast ? -1 : 1
        default: break
        }
        let order: Int
        switch (left, right) {
        case (.string(let a), .string(let b)): order = sign(a.lowercased(), b.lowercased())
        case (.int(let a), .int(let b)): order = sign(a, b)
        case (.double, _), (_, .double): order = sign(number(left), number(right))
        case (.bool(let a), .bool(let b)): order = sign(a ? 1 : 0, b ? 1 : 0)
        default: order = 0
        }
        return ordering.descending ? -order : order
    }

    private static func number(_ value: JSONValue) -> Double {
        switch value {
        case .int(let whole): Double(whole)
        case .double(let number): number
        default: 0
        }
    }

    private static func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
}
