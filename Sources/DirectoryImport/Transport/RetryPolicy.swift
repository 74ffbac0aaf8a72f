/// How the client waits and retries; bounded in every case.
///
/// - 429: waits at least `Retry-After` seconds (capped by ``maxRetryAfter``: a longer demand fails at once);
///   without the header, exponential backoff with jitter.
/// - 5xx, invalid JSON, dropped connections: exponential backoff with jitter.
/// - 400, 401, 403, 404: retried at most ``clientErrorRetries`` times (default once).
/// - Anything else (3xx, other 4xx): not retried.
///
/// Both the sleeper and the jitter source are injectable so tests run instantly and deterministically.
public struct RetryPolicy: Sendable {
    /// Suspends for a duration; tests pass one that records the delay and returns at once.
    public typealias Sleeper = @Sendable (Duration) async throws -> Void
    /// Returns a number in `0..<1` used to spread retries.
    public typealias JitterSource = @Sendable () -> Double

    /// Total attempts per request for retryable failures (429, 5xx, invalid JSON, dropped connections).
    public var maxAttempts: Int
    /// Retries granted to 400/401/403/404 answers (the "at most once").
    public var clientErrorRetries: Int
    /// The first backoff step; doubles every attempt.
    public var baseDelay: Duration
    /// The largest backoff step.
    public var maxDelay: Duration
    /// The longest `Retry-After` the client agrees to wait; a longer one fails the request.
    public var maxRetryAfter: Duration
    /// Performs the waits.
    public var sleep: Sleeper
    /// Spreads the waits.
    public var jitter: JitterSource

    /// Creates a policy; the defaults suit JumpCloud (5 attempts, 0.5 s doubling to 30 s, Retry-After up to 120 s).
    public init(
        maxAttempts: Int = 5,
        clientErrorRetries: Int = 1,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120),
        sleep: @escaping Sleeper = { try await Task.sleep(for: $0) },
        jitter: @escaping JitterSource = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.clientErrorRetries = max(0, clientErrorRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
        self.jitter = jitter
    }

    /// The backoff before retry number `retry` (1-based): half the capped exponential step plus a jittered half.
    public func backoff(retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        var step = baseDelay * (1 << exponent)
        if step > maxDelay { step = maxDelay }
        let fraction = min(max(jitter(), 0), 1)
        return step / 2 + step * (fraction / 2)
    }
}
