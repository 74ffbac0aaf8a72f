/// Placeholder namespace; see the module's DocC catalog.
public enum LicensingModule {
    /// The module's name.
    public static let name = "Licensing"
}
