/// Placeholder namespace; see the module's DocC catalog.
public enum DirectoryImportModule {
    /// The module's name.
    public static let name = "DirectoryImport"
}
