import ArgumentParser

/// `kisi-identity directory …`.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "directory commands.",
        subcommands: []
    )
}
