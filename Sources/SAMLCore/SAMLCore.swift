/// Placeholder.
public enum SAMLCoreModule {}
