import CLibXML2

/// A streaming reader of flat XML feeds (`<SHOP><SHOPITEM>…</SHOPITEM>…</SHOP>`) over libxml2's push SAX2 parser.
///
/// Bytes go in chunk by chunk as they arrive (``feed(_:)``), completed records come out; the document is never
/// held in memory, only the record being read. The parser is hardened for feeds from third parties:
/// - `XML_PARSE_NONET` and neither `XML_PARSE_NOENT` nor `XML_PARSE_DTDLOAD`: nothing is fetched, no entity is
///   substituted, no external subset is loaded;
/// - a document type declaration (`<!DOCTYPE`) stops the parse with an error, so neither an external entity
///   (XXE) nor an entity expansion bomb (billion laughs) can even be declared. Heureka and Zboží feeds never
///   carry one;
/// - each field's text is capped (``maxFieldBytes``); the record reports the oversized field.
///
/// The encoding comes from the XML declaration (`encoding="windows-1250"` is converted by libxml2's iconv
/// support); callbacks always see UTF-8.
///
/// Lifecycle: one parser per document; not thread-safe — one task feeds it at a time. After a failure every
/// further step reports the same failure.
package final class XMLRecordParser {
    /// Accepted root element local names (`SHOP`).
    package let rootNames: Set<String>
    /// The record element's local name (`SHOPITEM`).
    package let recordName: String
    package let maxFieldBytes: Int

    private let state: XMLRecordParserState
    private var context: xmlParserCtxtPtr?
    /// Bytes held back until there are four, which libxml2 needs to detect the encoding.
    private var head: [UInt8] = []
    private var failure: XMLFeedError?
    private var finished = false

    package init(rootNames: Set<String>, recordName: String, maxFieldBytes: Int = 1 << 20) {
        self.rootNames = rootNames
        self.recordName = recordName
        self.maxFieldBytes = maxFieldBytes
        self.state = XMLRecordParserState(rootNames: rootNames, recordName: recordName, maxFieldBytes: maxFieldBytes)
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    /// How many records were completed so far.
    package var recordCount: Int { state.recordCounter }

    /// Parses the next chunk of the document.
    ///
    /// Records completed before an error within the chunk are still returned, with the error beside them, so a
    /// stream yields everything that was readable before the failure. After a failure every call returns it again.
    ///
    /// - Returns: The records completed within this chunk, in document order, and the failure if the document
    ///   broke (not well-formed, a DTD, another root).
    package func feed(_ bytes: UnsafeRawBufferPointer) -> XMLParseStep {
        if let failure { return XMLParseStep(records: [], failure: failure) }
        if finished {
            failure = XMLFeedError(path: state.path, line: 0, reason: "data after the end of the document")
        } else if context == nil {
            head.append(contentsOf: bytes)
            guard head.count >= 4 else { return XMLParseStep(records: [], failure: nil) }
            let initial = head
            head = []
            initial.withUnsafeBytes { start(with: $0) }
        } else {
            push(bytes, terminate: false)
        }
        return XMLParseStep(records: state.takeRecords(), failure: failure)
    }

    /// Parses the next chunk of the document (see ``feed(_:)-(UnsafeRawBufferPointer)``).
    package func feed(_ bytes: [UInt8]) -> XMLParseStep {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Ends the document: a truncated or empty document fails here.
    ///
    /// - Returns: The records completed by the end of the document, and the failure for an empty, truncated or
    ///   otherwise ill-formed document.
    package func finish() -> XMLParseStep {
        if let failure { return XMLParseStep(records: [], failure: failure) }
        guard !finished else { return XMLParseStep(records: [], failure: nil) }
        finished = true
        if context == nil {
            let initial = head
            head = []
            guard !initial.isEmpty else {
                failure = XMLFeedError(path: "/", line: 0, reason: "empty document")
                return XMLParseStep(records: [], failure: failure)
            }
            initial.withUnsafeBytes { start(with: $0) }
        }
        push(UnsafeRawBufferPointer(start: nil, count: 0), terminate: true)
        if failure == nil, !state.sawRoot { failure = XMLFeedError(path: "/", line: 0, reason: "no root element") }
        return XMLParseStep(records: state.takeRecords(), failure: failure)
    }

    private func start(with initial: UnsafeRawBufferPointer) {
        var handler = XMLRecordParserState.makeHandler()
        let userData = Unmanaged.passUnretained(state).toOpaque()
        // The first four bytes go to the context itself: libxml2 detects the encoding family from them.
        let prefix = UnsafeRawBufferPointer(rebasing: initial.prefix(4))
        let created = xmlCreatePushParserCtxt(
            &handler,
            userData,
            prefix.baseAddress?.assumingMemoryBound(to: CChar.self),
            Int32(prefix.count),
            nil
        )
        guard let created else {
            failure = XMLFeedError(path: "/", line: 0, reason: "could not create the XML parser")
            return
        }
        context = created
        state.context = created
        // Entities are NOT substituted (no XML_PARSE_NOENT), no DTD is loaded (no XML_PARSE_DTDLOAD), no network.
        _ = xmlCtxtUseOptions(created, Int32(bitPattern: XML_PARSE_NONET.rawValue))
        push(UnsafeRawBufferPointer(rebasing: initial.dropFirst(4)), terminate: false)
    }

    /// Pushes bytes into libxml2; a failure is remembered for the next call.
    private func push(_ bytes: UnsafeRawBufferPointer, terminate: Bool) {
        guard let context, failure == nil else { return }
        let status = xmlParseChunk(
            context,
            bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
            Int32(bytes.count),
            terminate ? 1 : 0
        )
        if let stop = state.stopReason {
            failure = stop
        } else if status != 0 || context.pointee.wellFormed == 0 {
            failure = state.firstError
                ?? XMLFeedError(path: state.path, line: Int(xmlSAX2GetLineNumber(context)), reason: "not well-formed XML")
        }
    }

}

/// What one ``XMLRecordParser`` step produced: the completed records, then the failure that ended the document.
package struct XMLParseStep: Sendable {
    package let records: [XMLRecord]
    package let failure: XMLFeedError?
}
