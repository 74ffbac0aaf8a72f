/// Limits applied to every XML document SAMLCore parses, before and after parsing.
///
/// Inputs over a limit are rejected with ``SAMLError/Code/malformed`` before any signature work is done.
public struct XMLLimits: Sendable, Hashable {
    /// The largest document accepted, in bytes (after base64 decoding). Default 1 MiB.
    public var maxBytes: Int
    /// The deepest element nesting accepted. Default 64 (a SAML response is about 10 deep).
    public var maxDepth: Int
    /// The most nodes (elements, text, comments, attributes) accepted. Default 20,000.
    public var maxNodes: Int
    /// The most `saml:Attribute` elements accepted in one assertion. Default 256.
    public var maxAttributes: Int
    /// The most `saml:AttributeValue` elements accepted in one assertion, over all its attributes. Default 1,024.
    public var maxAttributeValues: Int

    /// Creates limits; the defaults fit every real IdP response seen and reject pathological input quickly.
    public init(
        maxBytes: Int = 1 << 20, maxDepth: Int = 64, maxNodes: Int = 20_000, maxAttributes: Int = 256,
        maxAttributeValues: Int = 1024
    ) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxAttributes = maxAttributes
        self.maxAttributeValues = maxAttributeValues
    }
}
