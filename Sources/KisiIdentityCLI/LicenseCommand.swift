import ArgumentParser

/// `kisi-identity license …`.
struct LicenseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license",
        abstract: "license commands.",
        subcommands: []
    )
}
