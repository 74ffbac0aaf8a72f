// Licensing's dependencies are declared only under the package trait of the same name (see Package.swift). A host that
// imports Licensing and leaves the trait out gets this message instead of a missing-module error.
#if !Licensing
#error("Licensing needs the package trait \"Licensing\": add it to the traits on KisiIdentity's .package line, e.g. traits: [\"Licensing\"]")
#endif
