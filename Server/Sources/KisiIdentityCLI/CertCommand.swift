import ArgumentParser
import Foundation
import SAMLCore

/// `kisi-identity cert …`: SP key and certificate management.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "SP key and certificate commands.",
        subcommands: [CertGenerate.self]
    )
}

/// `kisi-identity cert generate`: a new RSA key and self-signed certificate, as "Generate Certificate" does.
struct CertGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate an SP RSA key (PKCS#8 PEM, mode 0600) and a self-signed certificate (PEM)."
    )

    @Option(name: .customLong("common-name"), help: "The certificate's CN (e.g. the organization name).")
    var commonName: String

    @Option(name: .customLong("organization"), help: "An optional O.")
    var organization: String?

    @Option(name: .customLong("key-out"), help: "Where to write the private key.")
    var keyOut: String

    @Option(name: .customLong("cert-out"), help: "Where to write the certificate.")
    var certOut: String

    @Option(name: .customLong("days"), help: "Validity in days (default 1826, five years).")
    var days: Int = 1826

    @Option(name: .customLong("key-size"), help: "RSA key size: 2048 (default), 3072 or 4096.")
    var keySize: Int = 2048

    @Flag(name: .customLong("force"), help: "Overwrite existing files.")
    var force = false

    func validate() throws {
        guard SPKeySize(rawValue: keySize) != nil else { throw ValidationError("--key-size must be 2048, 3072 or 4096") }
        guard days > 0 else { throw ValidationError("--days must be positive") }
        guard keyOut != certOut else { throw ValidationError("--key-out and --cert-out must differ") }
    }

    func run() async throws {
        let fileManager = FileManager.default
        if !force {
            for path in [keyOut, certOut] where fileManager.fileExists(atPath: path) {
                throw CLIOutput.fail(code: "file_exists", message: "\(path) exists; pass --force to overwrite it")
            }
        }
        let credential: SPCredential
        do {
            credential = try SPCredential.generate(
                commonName: commonName, organization: organization, keySize: SPKeySize(rawValue: keySize) ?? .bits2048,
                validityDays: days, now: Date())
        } catch {
            throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
        }
        do {
            try CLIOutput.writeFile(Data(credential.privateKeyPEM.utf8), to: keyOut, mode: 0o600)
            try CLIOutput.writeFile(Data(credential.certificate.pemRepresentation.utf8), to: certOut)
        } catch {
            throw CLIOutput.fail(code: "io_error", message: "could not write the output files: \(error.localizedDescription)")
        }
        struct Output: Encodable {
            let keyFile: String
            let certificateFile: String
            let subject: String
            let serialNumber: String
            let sha256Fingerprint: String
            let notBefore: String
            let notAfter: String
            let keySize: Int
        }
        let format = Date.ISO8601FormatStyle()
        try CLIOutput.printJSON(Output(
            keyFile: keyOut, certificateFile: certOut, subject: credential.certificate.subject,
            serialNumber: credential.certificate.serialNumber,
            sha256Fingerprint: credential.certificate.sha256Fingerprint,
            notBefore: credential.certificate.notBefore.formatted(format),
            notAfter: credential.certificate.notAfter.formatted(format), keySize: credential.certificate.keySizeInBits))
    }
}
