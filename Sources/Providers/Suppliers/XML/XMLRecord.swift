/// One record of a flat XML feed (a Heureka `SHOPITEM`, an availability `item`): its attributes and the trimmed
/// text of each element directly inside it, in document order.
///
/// Elements nested deeper (`PARAM/VAL`, `DELIVERY/DELIVERY_ID`, `depot/stock_quantity`) are not kept: no mapping
/// reads them, and keeping them would let one item with thousands of parameters grow without bound.
package struct XMLRecord: Sendable, Hashable {
    /// The record element's local name (`SHOPITEM`).
    package let name: String
    /// 1-based position among the records of the document, as in an XPath predicate.
    package let index: Int
    /// The record's path, e.g. `SHOP/SHOPITEM[1523]`.
    package let path: String
    /// Attributes of the record element by local name (`item@id`).
    package let attributes: [String: String]
    /// Direct child elements as (local name, trimmed text), in document order; repeated names are all kept.
    package let fields: [(name: String, text: String)]
    /// A field whose text exceeded the parser's per-field cap (its text was cut), if any.
    package let oversizedField: String?

    package init(
        name: String,
        index: Int,
        path: String,
        attributes: [String: String] = [:],
        fields: [(name: String, text: String)],
        oversizedField: String? = nil
    ) {
        self.name = name
        self.index = index
        self.path = path
        self.attributes = attributes
        self.fields = fields
        self.oversizedField = oversizedField
    }

    /// The text of the first child element named `name`, or `nil` when there is none.
    package func first(_ name: String) -> String? {
        fields.first { $0.name == name }?.text
    }

    /// Whether a child element named `name` is present (even empty).
    package func has(_ name: String) -> Bool {
        fields.contains { $0.name == name }
    }

    package static func == (lhs: XMLRecord, rhs: XMLRecord) -> Bool {
        lhs.name == rhs.name && lhs.index == rhs.index && lhs.path == rhs.path && lhs.attributes == rhs.attributes
            && lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.text) == rhs.fields.map(\.text)
            && lhs.oversizedField == rhs.oversizedField
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.text)
        }
    }
}

/// Why a feed document could not be read at all: not XML, not well-formed, truncated, a DTD, the wrong root.
///
/// `path` is the element path where the parser stood (`SHOP/SHOPITEM[3]/PRICE_VAT`, or `/` before the root);
/// `reason` is libxml2's message or ours, which never quotes document content beyond element names.
package struct XMLFeedError: Error, Sendable, Hashable, CustomStringConvertible {
    package let path: String
    package let line: Int
    package let reason: String

    package init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    package var description: String { "\(reason) at \(path) (line \(line))" }
}
