import ArgumentParser
import Foundation
import Licensing

/// `kisi-identity license keygen` (development and tests only).
struct LicenseKeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate an Ed25519 license signing key pair. For development and tests only.",
        discussion: """
            For development and tests only. Writes the private key file (mode 0600) and the public key file \
            (the one hosts pin), refusing to overwrite unless --force, and prints \
            {"key_id","public_key","private_key_file","public_key_file"}. The private key is never printed.
            """
    )

    @Option(name: .customLong("out-private"), help: "Where to write the private key file.")
    var outPrivate: String

    @Option(name: .customLong("out-public"), help: "Where to write the public key file.")
    var outPublic: String

    @Option(name: .customLong("key-id"), help: "The key id; defaults to k- and 16 hex digits of the key's SHA-256.")
    var keyID: String?

    @Flag(help: "Overwrite existing files.")
    var force = false

    func validate() throws {
        if outPrivate == outPublic { throw ValidationError("--out-private and --out-public must differ") }
        if let keyID, keyID.isEmpty || keyID.contains(where: \.isWhitespace) {
            throw ValidationError("--key-id must be non-empty without whitespace")
        }
    }

    struct Output: Encodable {
        var keyID: String
        var publicKey: String
        var privateKeyFile: String
        var publicKeyFile: String

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id"
            case publicKey = "public_key"
            case privateKeyFile = "private_key_file"
            case publicKeyFile = "public_key_file"
        }
    }

    func run() async throws {
        for path in [outPrivate, outPublic] where FileManager.default.fileExists(atPath: path) && !force {
            throw CLIOutput.fail(code: "file_exists", message: "'\(path)' exists; pass --force to replace it.")
        }
        let key = LicenseSigningKey.generate(keyID: keyID)
        _ = try LicenseCLI.write(key.jsonRepresentation, to: outPrivate, force: force, permissions: 0o600)
        _ = try LicenseCLI.write(key.publicKey.jsonRepresentation, to: outPublic, force: force)
        let publicKey = key.publicKey.encodedKey
        try CLIOutput.printJSON(
            Output(keyID: key.keyID, publicKey: publicKey, privateKeyFile: outPrivate, publicKeyFile: outPublic)
        )
    }
}
