internal import CLibXML2

/// An owned libxml2 document parsed with every external access and DTD feature off.
///
/// Not thread-safe (libxml2 documents are not): one owner, confined to one task; it is never shared.
final class SecureXMLDocument {
    let doc: xmlDocPtr

    /// Parses `bytes` securely.
    ///
    /// - Rejects input over `limits.maxBytes` before parsing, any DOCTYPE (internal or external subset), network
    ///   access, entity substitution, documents deeper than `limits.maxDepth` or with more than `limits.maxNodes`
    ///   nodes. Parsing uses `NONET | NOERROR | NOWARNING` only (never `NOENT`, `DTDLOAD`, `HUGE` or `NOBLANKS`).
    private static func parse(_ bytes: UnsafeRawBufferPointer, limits: XMLLimits) throws(SAMLError) -> xmlDocPtr {
        try XMLSecLibrary.ensureInitialized()
        guard bytes.count <= limits.maxBytes, bytes.count <= Int(Int32.max) else {
            throw SAMLError(.malformed, "the XML document exceeds \(limits.maxBytes) bytes")
        }
        guard bytes.count > 0, let base = bytes.baseAddress else {
            throw SAMLError(.malformed, "the XML document is empty")
        }
        guard let ctxt = kisi_new_secure_parser_ctxt() else {
            throw SAMLError(.malformed, "could not create an XML parser")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed = XMLSecLibrary.withQuietErrors {
            xmlCtxtReadMemory(
                ctxt, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), "urn:kisi:input", nil, options)
        }
        if kisi_parser_saw_doctype(ctxt) != 0 {
            if let parsed { xmlFreeDoc(parsed) }
            throw SAMLError(.malformed, "a DOCTYPE is not allowed")
        }
        guard let parsed else {
            throw SAMLError(.malformed, "the input is not well-formed XML")
        }
        guard ctxt.pointee.wellFormed != 0, parsed.pointee.intSubset == nil, parsed.pointee.extSubset == nil else {
            xmlFreeDoc(parsed)
            throw SAMLError(.malformed, "the input is not well-formed XML")
        }
        return parsed
    }

    /// Parses `bytes` securely.
    ///
    convenience init(parsing bytes: [UInt8], limits: XMLLimits) throws(SAMLError) {
        var result: Result<xmlDocPtr, SAMLError> = .failure(SAMLError(.malformed, "the XML document is empty"))
        bytes.withUnsafeBytes { buffer in
            do throws(SAMLError) { result = .success(try Self.parse(buffer, limits: limits)) } catch { result = .failure(error) }
        }
        self.init(owning: try result.get())
        try checkShape(limits: limits)
    }

    private init(owning doc: xmlDocPtr) { self.doc = doc }

    deinit { xmlFreeDoc(doc) }

    /// The root element.
    var root: XMLElementRef? {
        guard let node = xmlDocGetRootElement(doc) else { return nil }
        return XMLElementRef(node)
    }

    /// Walks the tree iteratively and enforces depth and node-count limits; also refuses entity references
    /// and processing instructions anywhere (none can appear without a DTD, except PIs, which SAML never uses).
    private func checkShape(limits: XMLLimits) throws(SAMLError) {
        try recheckShape(limits: limits)
    }

    /// Re-applies the shape limits, e.g. after decryption added nodes.
    func recheckShape(limits: XMLLimits) throws(SAMLError) {
        guard let rootNode = xmlDocGetRootElement(doc) else {
            throw SAMLError(.malformed, "the document has no root element")
        }
        var count = 0
        var depth = 1
        var node: xmlNodePtr? = rootNode
        while let current = node {
            count += 1
            var attribute = current.pointee.properties
            while let a = attribute {
                count += 1
                attribute = a.pointee.next
            }
            if count > limits.maxNodes {
                throw SAMLError(.malformed, "the XML document has more than \(limits.maxNodes) nodes")
            }
            switch current.pointee.type {
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL, XML_DTD_NODE, XML_XINCLUDE_START,
                XML_XINCLUDE_END:
                throw SAMLError(.malformed, "entities, DTDs and XInclude are not allowed")
            default: break
            }
            if let child = current.pointee.children, current.pointee.type == XML_ELEMENT_NODE {
                depth += 1
                if depth > limits.maxDepth {
                    throw SAMLError(.malformed, "the XML document is nested deeper than \(limits.maxDepth)")
                }
                node = child
                continue
            }
            var next: xmlNodePtr? = current
            while let n = next, n != rootNode, n.pointee.next == nil {
                next = n.pointee.parent
                depth -= 1
            }
            if let n = next, n != rootNode { node = n.pointee.next } else { node = nil }
        }
    }

    /// Registers `attributeName` of `element` as an XML ID, refusing a value that already names another attribute.
    ///
    /// Only SAMLCore registers IDs (never `xmlSecAddIDs`, which ignores duplicates and namespaces), so a
    /// signature reference can only resolve to an element SAMLCore chose to make addressable.
    func registerID(of element: XMLElementRef, attribute attributeName: String) throws(SAMLError) {
        guard let attr = xmlHasNsProp(element.node, attributeName, nil) else { return }
        guard let raw = xmlNodeListGetString(doc, attr.pointee.children, 1) else {
            throw SAMLError(.malformed, "an empty \(attributeName) attribute")
        }
        defer { kisi_xmlFree(raw) }
        guard raw.pointee != 0 else { throw SAMLError(.malformed, "an empty \(attributeName) attribute") }
        if let existing = xmlGetID(doc, raw) {
            if existing == attr { return }
            throw SAMLError(.malformed, "duplicate ID '\(String(cString: raw))'")
        }
        guard xmlAddID(nil, doc, raw, attr) != nil else {
            throw SAMLError(.malformed, "ID '\(String(cString: raw))' could not be registered")
        }
    }

    /// The element whose registered ID is `id`, if any.
    func element(withID id: String) -> XMLElementRef? {
        guard let attr = xmlGetID(doc, id), let parent = attr.pointee.parent else { return nil }
        return XMLElementRef(parent)
    }
}

/// A borrowed reference to an element of a ``SecureXMLDocument``; valid only while the document lives.
struct XMLElementRef: Equatable {
    let node: xmlNodePtr

    init(_ node: xmlNodePtr) { self.node = node }

    /// The element's local name.
    var localName: String { String(cString: node.pointee.name) }

    /// The element's namespace URI, or `nil`.
    var namespaceURI: String? {
        guard let ns = node.pointee.ns, let href = ns.pointee.href else { return nil }
        return String(cString: href)
    }

    /// Whether this element is `{namespace}name`.
    func `is`(_ namespace: String, _ name: String) -> Bool {
        guard xmlStrEqual(node.pointee.name, name) != 0, let ns = node.pointee.ns, let href = ns.pointee.href else {
            return false
        }
        return xmlStrEqual(href, namespace) != 0
    }

    /// The value of an attribute without namespace.
    func attribute(_ name: String) -> String? {
        guard let attr = xmlHasNsProp(node, name, nil) else { return nil }
        guard let raw = xmlNodeListGetString(node.pointee.doc, attr.pointee.children, 1) else { return "" }
        defer { kisi_xmlFree(raw) }
        return String(cString: raw)
    }

    /// Element children, in document order.
    var children: [XMLElementRef] {
        var result: [XMLElementRef] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { result.append(XMLElementRef(c)) }
            child = c.pointee.next
        }
        return result
    }

    /// Element children named `{namespace}name`.
    func children(_ namespace: String, _ name: String) -> [XMLElementRef] {
        children.filter { $0.is(namespace, name) }
    }

    /// The first element child named `{namespace}name`.
    func firstChild(_ namespace: String, _ name: String) -> XMLElementRef? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, XMLElementRef(c).is(namespace, name) { return XMLElementRef(c) }
            child = c.pointee.next
        }
        return nil
    }

    /// All descendant elements named `{namespace}name` (not including self), in document order.
    func descendants(_ namespace: String, _ name: String) -> [XMLElementRef] {
        var result: [XMLElementRef] = []
        forEachDescendant { if $0.is(namespace, name) { result.append($0) } }
        return result
    }

    /// Visits every descendant element in document order, without allocating.
    func forEachDescendant<E: Error>(_ body: (XMLElementRef) throws(E) -> Void) throws(E) {
        var current = node.pointee.children
        while let n = current {
            if n.pointee.type == XML_ELEMENT_NODE {
                try body(XMLElementRef(n))
                if let child = n.pointee.children {
                    current = child
                    continue
                }
            }
            var next: xmlNodePtr? = n
            while let m = next, m != node, m.pointee.next == nil { next = m.pointee.parent }
            guard let m = next, m != node else { return }
            current = m.pointee.next
        }
    }

    /// Whether the element has any element children.
    var hasElementChildren: Bool {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { return true }
            child = c.pointee.next
        }
        return false
    }

    /// The element's full text: every text and CDATA descendant concatenated, comments skipped — so
    /// `a<!---->b` reads `ab`, never `a`.
    var text: String {
        guard let raw = xmlNodeGetContent(node) else { return "" }
        defer { kisi_xmlFree(raw) }
        return String(cString: raw)
    }

    /// Whether the element carries `xsi:nil="true"`.
    var isXSINil: Bool {
        guard let raw = xmlGetNsProp(node, "nil", "http://www.w3.org/2001/XMLSchema-instance") else { return false }
        defer { kisi_xmlFree(raw) }
        let value = String(cString: raw)
        return value == "true" || value == "1"
    }

    /// The parent element, if the parent is an element.
    var parent: XMLElementRef? {
        guard let p = node.pointee.parent, p.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElementRef(p)
    }
}
