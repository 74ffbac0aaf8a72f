#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Tokens of the filter language.
enum FilterToken: Equatable {
    case leftParen, rightParen, leftBracket, rightBracket
    case string(String)
    case word(String)
    case end
}

/// Recursive-descent parser for RFC 7644 §3.4.2.2 filters and RFC 7644 §3.5.2 PATCH paths.
///
/// Precedence: `or` < `and` < `not` < grouping. Keywords and operators are case-insensitive.
struct FilterParser {
    private let bytes: [UInt8]
    private var offset = 0
    private var peeked: (token: FilterToken, start: Int, end: Int)?
    private let errorCode: SCIMError.Code
    /// Current nesting of parentheses and `not`; bounded so hostile input cannot exhaust the stack.
    private var depth = 0
    /// The deepest nesting accepted.
    static let maximumDepth = 32

    init(_ text: String, errorCode: SCIMError.Code = .invalidFilter) {
        self.bytes = Array(text.utf8)
        self.errorCode = errorCode
    }

    // MARK: Errors

    /// 1-based character position of a UTF-8 offset.
    private func position(_ byteOffset: Int) -> Int {
        let end = min(byteOffset, bytes.count)
        var index = 0
        while index < end, bytes[index] < 0x80 { index += 1 }
        if index == end { return end + 1 }  // ASCII prefix: characters = bytes
        return String(decoding: bytes[0..<end], as: UTF8.self).count + 1
    }

    private func fail(_ message: String, at byteOffset: Int) -> SCIMError {
        let pos = position(byteOffset)
        return SCIMError(errorCode, "\(message) at position \(pos).", position: pos)
    }

    // MARK: Lexer

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x28 || byte == 0x29
            || byte == 0x5B || byte == 0x5D || byte == 0x22
    }

    private mutating func lex() throws(SCIMError) -> (token: FilterToken, start: Int, end: Int) {
        var index = offset
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
            || bytes[index] == 0x0D
        {
            index += 1
        }
        let start = index
        guard index < bytes.count else { return (.end, start, start) }
        switch bytes[index] {
        case 0x28: return (.leftParen, start, index + 1)
        case 0x29: return (.rightParen, start, index + 1)
        case 0x5B: return (.leftBracket, start, index + 1)
        case 0x5D: return (.rightBracket, start, index + 1)
        case 0x22:
            index += 1
            var escaped = false
            while index < bytes.count, bytes[index] != 0x22 {
                if bytes[index] == 0x5C {
                    escaped = true
                    index += 1
                }
                index += 1
            }
            guard index < bytes.count else { throw fail("Unterminated string literal", at: start) }
            let end = index + 1
            if !escaped {
                return (.string(String(decoding: bytes[(start + 1)..<index], as: UTF8.self)), start, end)
            }
            // Escapes follow JSON string rules; let JSONDecoder interpret them.
            guard let value = try? JSONDecoder().decode(String.self, from: Data(bytes[start..<end])) else {
                throw fail("Invalid escape sequence in string literal", at: start)
            }
            return (.string(value), start, end)
        default:
            while index < bytes.count, !Self.isDelimiter(bytes[index]) { index += 1 }
            return (.word(String(decoding: bytes[start..<index], as: UTF8.self)), start, index)
        }
    }

    private mutating func peek() throws(SCIMError) -> (token: FilterToken, start: Int, end: Int) {
        if let peeked { return peeked }
        let next = try lex()
        peeked = next
        return next
    }

    @discardableResult
    private mutating func next() throws(SCIMError) -> (token: FilterToken, start: Int, end: Int) {
        let token = try peek()
        peeked = nil
        offset = token.end
        return token
    }

    private mutating func peekKeyword(_ keyword: String) throws(SCIMError) -> Bool {
        if case .word(let word) = try peek().token { return word.caseInsensitiveEquals(keyword) }
        return false
    }

    // MARK: Filters

    mutating func parseFilter() throws(SCIMError) -> SCIMFilter {
        if try peek().token == .end { throw fail("The filter is empty", at: 0) }
        let filter = try parseOr(inValuePath: false)
        let trailing = try peek()
        if trailing.token != .end {
            throw fail("Unexpected \(describe(trailing.token)) after a complete filter", at: trailing.start)
        }
        return filter
    }

    private mutating func parseOr(inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        var lhs = try parseAnd(inValuePath: inValuePath)
        while try peekKeyword("or") {
            try next()
            lhs = .or(lhs, try parseAnd(inValuePath: inValuePath))
        }
        return lhs
    }

    private mutating func parseAnd(inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        var lhs = try parseNot(inValuePath: inValuePath)
        while try peekKeyword("and") {
            try next()
            lhs = .and(lhs, try parseNot(inValuePath: inValuePath))
        }
        return lhs
    }

    private mutating func parseNot(inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        if try peekKeyword("not") {
            try enter(at: try peek().start)
            defer { depth -= 1 }
            let notToken = try next()
            let following = try peek()
            guard following.token == .leftParen else {
                throw fail("Expected '(' after 'not'", at: following.token == .end ? notToken.end : following.start)
            }
            return .not(try parsePrimary(inValuePath: inValuePath))
        }
        return try parsePrimary(inValuePath: inValuePath)
    }

    private mutating func parsePrimary(inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        let token = try next()
        switch token.token {
        case .leftParen:
            try enter(at: token.start)
            defer { depth -= 1 }
            let inner = try parseOr(inValuePath: inValuePath)
            let close = try next()
            guard close.token == .rightParen else {
                throw fail("Expected ')' but found \(describe(close.token))", at: close.start)
            }
            return inner
        case .word(let word):
            if word.caseInsensitiveEquals("and") || word.caseInsensitiveEquals("or") || word.caseInsensitiveEquals("not") {
                throw fail("Expected an attribute path but found '\(word)'", at: token.start)
            }
            let path = try parsePath(start: token.start, end: token.end, allowSchema: !inValuePath)
            return try parseAttributeExpression(path, pathEnd: token.end, inValuePath: inValuePath)
        default:
            throw fail("Expected an attribute path or '(' but found \(describe(token.token))", at: token.start)
        }
    }

    private mutating func enter(at byteOffset: Int) throws(SCIMError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw fail("The filter nests deeper than \(Self.maximumDepth) levels", at: byteOffset)
        }
    }

    private mutating func parseAttributeExpression(
        _ path: SCIMAttributePath, pathEnd: Int, inValuePath: Bool
    ) throws(SCIMError) -> SCIMFilter {
        let token = try next()
        switch token.token {
        case .leftBracket:
            if inValuePath { throw fail("Value filters cannot be nested", at: token.start) }
            if path.subAttribute != nil {
                throw fail("A value filter applies to an attribute, not to the sub-attribute '\(path)'", at: token.start)
            }
            if try peek().token == .rightBracket { throw fail("The value filter is empty", at: try peek().start) }
            let inner = try parseOr(inValuePath: true)
            let close = try next()
            guard close.token == .rightBracket else {
                throw fail("Expected ']' but found \(describe(close.token))", at: close.start)
            }
            return .valuePath(path, inner)
        case .word(let word):
            let lowered = word.asciiLowercased
            if lowered == "pr" { return .present(path) }
            guard let op = SCIMComparisonOperator(rawValue: lowered) else {
                throw fail(
                    "Expected a comparison operator (eq ne co sw ew gt ge lt le) or 'pr' after '\(path)' but found '\(word)'",
                    at: token.start)
            }
            return .comparison(path, op, try parseValue())
        default:
            throw fail(
                "Expected a comparison operator or 'pr' after '\(path)' but found \(describe(token.token))",
                at: token.token == .end ? pathEnd : token.start)
        }
    }

    private mutating func parseValue() throws(SCIMError) -> SCIMFilterValue {
        let token = try next()
        switch token.token {
        case .string(let value): return .string(value)
        case .word(let word):
            switch word.asciiLowercased {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            case "null": return .null
            default:
                if Self.isNumber(word) {
                    if let integer = Int(word) { return .integer(integer) }
                    if let decimal = Double(word) { return .decimal(decimal) }
                }
                throw fail(
                    "Expected a value (a quoted string, number, true, false or null) but found '\(word)'", at: token.start)
            }
        default:
            throw fail("Expected a value but found \(describe(token.token))", at: token.start)
        }
    }

    /// A number starts with a digit or `-digit` (so `Int`/`Double` never accept `nan`, `inf`, `0x1`).
    private static func isNumber(_ word: String) -> Bool {
        var bytes = word.utf8.makeIterator()
        guard var first = bytes.next() else { return false }
        if first == 0x2D, let second = bytes.next() { first = second }
        return first >= 0x30 && first <= 0x39 && !word.utf8.contains(where: { $0 == 0x78 || $0 == 0x58 })
    }

    // MARK: Paths

    /// Parses `[urn:…:]attr[.sub]` from the word at `start..<end`.
    private func parsePath(start: Int, end: Int, allowSchema: Bool) throws(SCIMError) -> SCIMAttributePath {
        var nameStart = start
        var schema: String?
        if end - start > 4, bytes[start] | 0x20 == 0x75, bytes[start + 1] | 0x20 == 0x72,
            bytes[start + 2] | 0x20 == 0x6E, bytes[start + 3] == 0x3A
        {
            guard allowSchema else { throw fail("Sub-attribute paths cannot carry a schema URN", at: start) }
            var colon = end - 1
            while bytes[colon] != 0x3A { colon -= 1 }
            schema = String(decoding: bytes[start..<colon], as: UTF8.self)
            nameStart = colon + 1
        }
        var dot = nameStart
        while dot < end, bytes[dot] != 0x2E { dot += 1 }
        let attribute = bytes[nameStart..<dot]
        guard Self.isAttributeName(attribute) else {
            throw fail("Invalid attribute name '\(String(decoding: attribute, as: UTF8.self))'", at: start)
        }
        var subAttribute: String?
        if dot < end {
            let sub = bytes[(dot + 1)..<end]
            guard Self.isAttributeName(sub) else {
                throw fail("Invalid sub-attribute name '\(String(decoding: sub, as: UTF8.self))'", at: start)
            }
            subAttribute = String(decoding: sub, as: UTF8.self)
        }
        return SCIMAttributePath(
            schema: schema, String(decoding: attribute, as: UTF8.self), subAttribute: subAttribute,
            position: position(start))
    }

    /// `ATTRNAME = ALPHA *(nameChar)`, `nameChar = "-" / "_" / DIGIT / ALPHA`; `$ref` is allowed too.
    static func isAttributeName(_ name: ArraySlice<UInt8>) -> Bool {
        guard let first = name.first else { return false }
        if name.elementsEqual("$ref".utf8) { return true }
        guard (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7A else { return false }
        for byte in name {
            let isAlpha = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            if !(isAlpha || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F) { return false }
        }
        return true
    }

    /// Parses a PATCH path: `attrPath` or `valuePath[.subAttr]` (RFC 7644 §3.5.2 `PATH`).
    mutating func parsePatchPath() throws(SCIMError) -> SCIMPatchPath {
        let first = try next()
        guard case .word(let word) = first.token else {
            throw fail("Expected an attribute path but found \(describe(first.token))", at: first.start)
        }
        _ = word
        let path = try parsePath(start: first.start, end: first.end, allowSchema: true)
        var result = SCIMPatchPath(attribute: path)
        if try peek().token == .leftBracket {
            let open = try next()
            if path.subAttribute != nil {
                throw fail("A value filter applies to an attribute, not to the sub-attribute '\(path)'", at: open.start)
            }
            let inner = try parseOr(inValuePath: true)
            let close = try next()
            guard close.token == .rightBracket else {
                throw fail("Expected ']' but found \(describe(close.token))", at: close.start)
            }
            result.valueFilter = inner
            // Optional ".subAttr" directly after the bracket.
            if close.end < bytes.count, bytes[close.end] == 0x2E {
                let sub = try next()
                guard case .word(let subWord) = sub.token, subWord.hasPrefix("."),
                    Self.isAttributeName(bytes[(sub.start + 1)..<sub.end])
                else { throw fail("Invalid sub-attribute after ']'", at: sub.start) }
                result.subAttribute = String(subWord.dropFirst())
            }
        }
        let trailing = try peek()
        if trailing.token != .end {
            throw fail("Unexpected \(describe(trailing.token)) in path", at: trailing.start)
        }
        return result
    }

    private func describe(_ token: FilterToken) -> String {
        switch token {
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .string(let value): return "string \"\(value)\""
        case .word(let word): return "'\(word)'"
        case .end: return "the end of the filter"
        }
    }
}
