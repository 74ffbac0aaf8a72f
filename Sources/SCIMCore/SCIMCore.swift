/// Placeholder namespace; see the module's DocC catalog.
public enum SCIMCoreModule {
    /// The module's name.
    public static let name = "SCIMCore"
}
