public import HTTPTypes

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Sends one HTTP request and returns the response; the host supplies it (the CLI wraps URLSession).
///
/// The client builds absolute requests (`scheme`, `authority`, `path` set) carrying the API key in a header.
/// A conforming transport must:
/// - **never follow redirects** — return the 3xx response as is, so the key never travels to another origin;
/// - throw (any error) when the connection fails or the body is cut off; the client retries those;
/// - return non-2xx responses as values, not errors.
///
/// ``InMemoryJumpCloud`` is an in-memory implementation for tests and benchmarks.
public protocol HTTPTransport: Sendable {
    /// Sends `request` with an optional `body` and returns the response head and the whole body.
    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data)
}
