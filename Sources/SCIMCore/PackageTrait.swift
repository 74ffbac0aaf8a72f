// SCIMCore's dependencies are declared only under the package trait of the same name (see Package.swift). A host that
// imports SCIMCore and leaves the trait out gets this message instead of a missing-module error.
#if !SCIMCore
#error("SCIMCore needs the package trait \"SCIMCore\": add it to the traits on KisiIdentity's .package line, e.g. traits: [\"SCIMCore\"]")
#endif
