// SAMLCore's dependencies are declared only under the package trait of the same name (see Package.swift). A host that
// imports SAMLCore and leaves the trait out gets this message instead of a missing-module error.
#if !SAMLCore
#error("SAMLCore needs the package trait \"SAMLCore\": add it to the traits on KisiIdentity's .package line, e.g. traits: [\"SAMLCore\"]")
#endif
