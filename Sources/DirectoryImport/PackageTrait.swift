// DirectoryImport's dependencies are declared only under the package trait of the same name (see Package.swift). A host that
// imports DirectoryImport and leaves the trait out gets this message instead of a missing-module error.
#if !DirectoryImport
#error("DirectoryImport needs the package trait \"DirectoryImport\": add it to the traits on KisiIdentity's .package line, e.g. traits: [\"DirectoryImport\"]")
#endif
