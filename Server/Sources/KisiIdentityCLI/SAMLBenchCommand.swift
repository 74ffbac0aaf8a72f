import ArgumentParser
import Foundation
import SAMLCore

/// `kisi-identity saml bench`: how many validations per second this host sustains for a given response.
struct SAMLBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Validate one response repeatedly through the library (replay cache off) and report throughput.",
        discussion: """
            Takes the same flags as `saml validate`. The response must validate (use --now with a recorded \
            response). Prints {"validationsPerSecond","threads","p50Microseconds","p99Microseconds"}.
            """
    )

    @OptionGroup var options: SAMLValidationOptions

    @Option(help: "How long to measure, in seconds.")
    var seconds: Double = 3

    @Option(help: "Concurrent validation workers.")
    var threads: Int = 1

    struct Output: Encodable {
        let validationsPerSecond: Double
        let threads: Int
        let p50Microseconds: Double
        let p99Microseconds: Double
    }

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
        guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be 1...256") }
    }

    func run() async throws {
        do {
            let (configuration, response, now) = try options.load()
            let validator = try SAMLResponseValidator(configuration: configuration, replayCache: NoReplayProtection())
            let requestID = options.requestId
            // Refuse to measure a response that does not validate.
            _ = try await validator.validate(base64Response: response, expectedRequestID: requestID, now: now)

            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
            let start = clock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<threads {
                    group.addTask {
                        var samples: [Double] = []
                        samples.reserveCapacity(100_000)
                        while clock.now < deadline {
                            let t0 = clock.now
                            _ = try await validator.validate(base64Response: response, expectedRequestID: requestID, now: now)
                            let elapsed = clock.now - t0
                            samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
                        }
                        return samples
                    }
                }
                var all: [Double] = []
                for try await samples in group { all.append(contentsOf: samples) }
                return all.sorted()
            }
            let wall = clock.now - start
            let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            func percentile(_ p: Double) -> Double {
                latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
            }
            try CLIOutput.printJSON(Output(
                validationsPerSecond: (Double(latencies.count) / wallSeconds).rounded(),
                threads: threads,
                p50Microseconds: (percentile(0.50) * 10).rounded() / 10,
                p99Microseconds: (percentile(0.99) * 10).rounded() / 10))
        } catch let error as SAMLError {
            throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
        }
    }
}
