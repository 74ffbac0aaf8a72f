import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `kisi-identity serve` and `scim token` as processes: tokens, SIGTERM, and SIGKILL during writes.
@Suite(.serialized) struct ServerCLITests {
    static func temporaryDatabase() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("serve.sqlite").path)
    }

    /// A running `serve` process and its port.
    final class Server {
        let process = Process()
        let port: Int

        /// Starts `serve` on `db` (a SQLite path or a PostgreSQL URL) with `extra` arguments.
        init(db: String, _ extra: [String] = []) throws {
            process.executableURL = CLIRunner.productsDirectory.appendingPathComponent("kisi-identity")
            process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--db", db, "--log-level", "error"] + extra
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // A server that has not printed its port within a minute is killed (its stdout ends, the parse below
            // fails), so a stuck start fails the test instead of stalling the run.
            let watchdog = DispatchWorkItem { [process] in
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
            defer { watchdog.cancel() }
            // The first stdout line is {"db":…,"listening":…,"port":N}.
            var buffer = Data()
            while !buffer.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += chunk
            }
            let line = try JSONSerialization.jsonObject(with: buffer.prefix { $0 != UInt8(ascii: "\n") })
            port = try #require((line as? [String: Any])?["port"] as? Int)
        }

        /// Sends `signal` and waits for the exit status. A server still running `seconds` later is a test
        /// failure (and is killed), never a test run that waits forever.
        func signal(_ signal: Int32, within seconds: Double = 30) -> Int32 {
            kill(process.processIdentifier, signal)
            let deadline = Date() + seconds
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning {
                Issue.record("serve (pid \(process.processIdentifier)) still ran \(seconds) s after signal \(signal); killed")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            return process.terminationStatus
        }
    }

    static func request(
        _ port: Int, _ method: String, _ path: String, token: String, body: String? = nil
    ) async throws -> (status: Int, json: [String: Any]?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, try? JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func tokenCreateListRevoke() async throws {
        let (directory, db) = try Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let created = try await CLIRunner.run(["scim", "token", "create", "--db", db, "--label", "JumpCloud"])
        #expect(created.exitCode == 0)
        let lines = created.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let token = String(try #require(lines.last))
        #expect(token.hasPrefix("kisi_scim_"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let id = try #require(record["id"] as? String)
        #expect(record["label"] as? String == "JumpCloud")

        let listed = try await CLIRunner.run(["scim", "token", "list", "--db", db])
        #expect(listed.exitCode == 0)
        #expect(!listed.stdout.contains(token))
        let tokens = try #require(try listed.json()["tokens"] as? [[String: Any]])
        #expect(tokens.map { $0["id"] as? String } == [id])

        #expect(try await CLIRunner.run(["scim", "token", "revoke", "--db", db, id]).exitCode == 0)
        let again = try await CLIRunner.run(["scim", "token", "revoke", "--db", db, id])
        #expect(again.exitCode == 1)
        #expect((try again.json()["error"] as? [String: Any])?["code"] as? String == "token_not_found")
        #expect(try await CLIRunner.run(["serve", "--port", "70000"]).exitCode == 64)
    }

    /// SIGKILL in the middle of a write loop: the database reopens and every acknowledged write is there.
    @Test func sigkillLosesNoAcknowledgedWrite() async throws {
        let (directory, db) = try Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = String(try #require(try await CLIRunner.run(["scim", "token", "create", "--db", db]).stdout.split(separator: "\n").last))
        let server = try Server(db: db)
        let port = server.port
        let writer = Task { () -> [String] in
            var acknowledged: [String] = []
            for n in 0..<100_000 {
                let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"kill-\#(n)","active":true}"#
                guard let response = try? await Self.request(port, "POST", "/scim/v2/Users", token: token, body: body),
                    response.status == 201, let id = response.json?["id"] as? String
                else { break }
                acknowledged.append(id)
            }
            return acknowledged
        }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(server.signal(SIGKILL) != 0)
        let acknowledged = await writer.value
        #expect(acknowledged.count > 10)

        let restarted = try Server(db: db)
        defer { _ = restarted.signal(SIGTERM) }
        let list = try await Self.request(restarted.port, "GET", "/scim/v2/Users?count=0", token: token)
        let total = try #require(list.json?["totalResults"] as? Int)
        #expect(total >= acknowledged.count)
        for id in acknowledged.suffix(50) + acknowledged.prefix(5) {
            #expect(try await Self.request(restarted.port, "GET", "/scim/v2/Users/\(id)", token: token).status == 200)
        }
    }

    /// A PostgreSQL URL that cannot be used is a clear `database_unavailable` failure (exit 1), after at most the
    /// operation timeout when nothing answers; a bad schema name or pool size is a usage error (exit 64).
    @Test func unusablePostgresIsAClearFailure() async throws {
        let unreachable = try await CLIRunner.run(["scim", "token", "create", "--database", "postgres://kisi@127.0.0.1:9/none"])
        #expect(unreachable.exitCode == 1)
        #expect(unreachable.stdout.contains(#"{"error":{"code":"database_unavailable""#))
        let malformed = try await CLIRunner.run(["serve", "--port", "0", "--database", "postgres://127.0.0.1/none"])
        #expect(malformed.exitCode == 1)
        #expect(malformed.stdout.contains(#"{"error":{"code":"database_unavailable""#))
        let schema = try await CLIRunner.run(["scim", "token", "list", "--database", "postgres://kisi@127.0.0.1/x", "--database-schema", "a-b"])
        #expect(schema.exitCode == 64)
        let pool = try await CLIRunner.run(["serve", "--port", "0", "--database-connections", "0"])
        #expect(pool.exitCode == 64)
        #expect(pool.stderr.contains("--database-connections must be 1…1000"))
    }

    /// SIGTERM stops the server gracefully (exit 0) and the data is kept.
    @Test func sigtermShutsDownGracefully() async throws {
        let (directory, db) = try Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = String(try #require(try await CLIRunner.run(["scim", "token", "create", "--db", db]).stdout.split(separator: "\n").last))
        let server = try Server(db: db)
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"graceful"}"#
        #expect(try await Self.request(server.port, "POST", "/scim/v2/Users", token: token, body: body).status == 201)
        #expect(server.signal(SIGTERM) == 0)
        let restarted = try Server(db: db)
        defer { _ = restarted.signal(SIGTERM) }
        let lookup = try await Self.request(
            restarted.port, "GET", "/scim/v2/Users?filter=userName%20eq%20%22graceful%22", token: token)
        #expect(lookup.json?["totalResults"] as? Int == 1)
    }
}
