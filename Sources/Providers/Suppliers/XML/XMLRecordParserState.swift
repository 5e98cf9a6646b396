import CLibXML2

/// What the SAX2 callbacks of an ``XMLRecordParser`` build, reached through libxml2's user-data pointer.
///
/// Depth 1 is the root (`SHOP`), depth 2 a record (`SHOPITEM`), depth 3 a field (`PRICE_VAT`); text is collected
/// only at depth 3 inside a record, so whitespace between elements and nested blocks cost nothing.
final class XMLRecordParserState {
    let rootNames: Set<String>
    let recordName: String
    let maxFieldBytes: Int
    var context: xmlParserCtxtPtr?

    private(set) var sawRoot = false
    private(set) var recordCounter = 0
    private(set) var firstError: XMLFeedError?
    private(set) var stopReason: XMLFeedError?

    private var depth = 0
    /// Path components: `SHOP`, `SHOPITEM[3]`, `PRICE_VAT`, …
    private var stack: [String] = []
    private var inRecord = false
    private var recordAttributes: [String: String] = [:]
    private var fields: [(name: String, text: String)] = []
    private var oversized: String?
    private var fieldName: String?
    private var fieldText: [UInt8] = []
    private var fieldCut = false
    private var records: [XMLRecord] = []

    init(rootNames: Set<String>, recordName: String, maxFieldBytes: Int) {
        self.rootNames = rootNames
        self.recordName = recordName
        self.maxFieldBytes = maxFieldBytes
    }

    /// Where the parser stands, e.g. `SHOP/SHOPITEM[3]/PRICE_VAT`; `/` before the root.
    var path: String { stack.isEmpty ? "/" : stack.joined(separator: "/") }

    /// The records completed since the last call.
    func takeRecords() -> [XMLRecord] {
        let taken = records
        records.removeAll(keepingCapacity: true)
        return taken
    }

    // MARK: Events

    private func startElement(_ name: String, attributes: () -> [String: String]) {
        guard stopReason == nil else { return }
        depth += 1
        switch depth {
        case 1:
            sawRoot = true
            stack.append(name)
            if !rootNames.contains(name) {
                stop("root element is <\(name)>, expected <\(rootNames.sorted().joined(separator: "> or <"))>")
            }
        case 2 where name == recordName:
            recordCounter += 1
            stack.append("\(name)[\(recordCounter)]")
            inRecord = true
            recordAttributes = attributes()
            fields = []
            oversized = nil
        case 3 where inRecord:
            stack.append(name)
            fieldName = name
            fieldText.removeAll(keepingCapacity: true)
            fieldCut = false
        default:
            stack.append(name)
        }
    }

    private func endElement() {
        guard stopReason == nil, depth > 0 else { return }
        if depth == 3, inRecord, let fieldName {
            fields.append((fieldName, Self.trimmedText(fieldText)))
            if fieldCut, oversized == nil { oversized = fieldName }
            self.fieldName = nil
        } else if depth == 2, inRecord {
            records.append(XMLRecord(
                name: recordName, index: recordCounter, path: path, attributes: recordAttributes, fields: fields,
                oversizedField: oversized
            ))
            inRecord = false
            fields = []
        }
        stack.removeLast()
        depth -= 1
    }

    private func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard stopReason == nil, depth == 3, fieldName != nil, !fieldCut else { return }
        let room = maxFieldBytes - fieldText.count
        if bytes.count > room {
            fieldText.append(contentsOf: bytes.prefix(max(0, room)))
            fieldCut = true
        } else {
            fieldText.append(contentsOf: bytes)
        }
    }

    private func error(_ error: xmlError) {
        guard firstError == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = error.message.map { String(cString: $0) } ?? "not well-formed XML"
        while message.last?.isWhitespace == true { message.removeLast() }
        firstError = XMLFeedError(path: path, line: Int(error.line), reason: message)
    }

    /// Ends the parse from inside a callback.
    private func stop(_ reason: String) {
        guard stopReason == nil else { return }
        let line = context.map { Int(xmlSAX2GetLineNumber($0)) } ?? 0
        stopReason = XMLFeedError(path: path, line: line, reason: reason)
        if let context { xmlStopParser(context) }
    }

    /// UTF-8 text without leading and trailing XML whitespace (space, tab, CR, LF).
    static func trimmedText(_ bytes: [UInt8]) -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    // MARK: libxml2 callbacks

    private static func state(_ pointer: UnsafeMutableRawPointer?) -> XMLRecordParserState? {
        pointer.map { Unmanaged<XMLRecordParserState>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The SAX2 handler: elements, text, CDATA, errors, and a DOCTYPE trap. Every entity callback stays `NULL`,
    /// so libxml2 keeps no entity declarations and resolves nothing.
    static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { context, localname, _, _, _, _, attributeCount, _, attributes in
            guard let state = XMLRecordParserState.state(context), let localname else { return }
            state.startElement(String(cString: localname)) {
                XMLRecordParserState.readAttributes(count: Int(attributeCount), attributes)
            }
        }
        handler.endElementNs = { context, _, _, _ in
            XMLRecordParserState.state(context)?.endElement()
        }
        handler.characters = { context, bytes, length in
            guard let bytes, length > 0 else { return }
            XMLRecordParserState.state(context)?.characters(UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
        handler.cdataBlock = { context, bytes, length in
            guard let bytes, length > 0 else { return }
            XMLRecordParserState.state(context)?.characters(UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
        handler.internalSubset = { context, _, _, _ in
            XMLRecordParserState.state(context)?.stop("a document type declaration is not accepted (entities and DTDs are disabled)")
        }
        handler.serror = { context, error in
            guard let error else { return }
            XMLRecordParserState.state(context)?.error(error.pointee)
        }
        return handler
    }

    /// SAX2 attributes: five pointers each (local name, prefix, URI, value start, value end).
    private static func readAttributes(
        count: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) -> [String: String] {
        guard let attributes, count > 0 else { return [:] }
        var result: [String: String] = [:]
        for index in 0..<count {
            let base = index * 5
            guard let name = attributes[base], let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
            let value = UnsafeBufferPointer(start: start, count: max(0, end - start))
            result[String(cString: name)] = String(decoding: value, as: UTF8.self)
        }
        return result
    }
}
