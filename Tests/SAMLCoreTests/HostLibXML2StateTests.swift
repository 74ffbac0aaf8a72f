import CLibXML2
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SAMLCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SAMLCore shares libxml2 with its host (FoundationXML, or the host's own libxml2 code): it must leave the
/// host's libxml2 exactly as it found it — the external entity loader, the error handlers of the calling thread
/// and the defaults for new threads. Its protections live in its own parser contexts and per-call scopes.
@Suite struct HostLibXML2StateTests {
    /// Every SAMLCore path that reaches libxml2/libxmlsec1: metadata and key loading, a signed response, an
    /// encrypted one, a DOCTYPE attack (the parser is stopped), garbled ciphertext and a signed AuthnRequest.
    static func exerciseSAMLCore() throws {
        let validator = try Fixtures.validator()
        for name in ["assertion-signed", "encrypted-aes128-cbc"] {
            _ = try validator.evaluate(xml: Array(try Fixtures.response(name).utf8), expectedRequestID: nil, now: Fixtures.now)
        }
        let doctype = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/hostname">]><r>&e;</r>"#
        #expect(throws: SAMLError.self) {
            _ = try validator.evaluate(xml: Array(doctype.utf8), expectedRequestID: nil, now: Fixtures.now)
        }
        let garbled = try SAMLHardeningTests.corruptedCiphertext()
        #expect(throws: SAMLError.self) {
            _ = try validator.evaluate(xml: Array(garbled.utf8), expectedRequestID: nil, now: Fixtures.now)
        }
        #expect(throws: SAMLError.self) {
            _ = try IdPMetadata.parse(Array("<md:EntityDescriptor".utf8))
        }
    }

    /// Runs `body` on a new thread and returns its result (libxml2's error handlers are per thread).
    static func onNewThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.value = body()
            done.signal()
        }.start()
        done.wait()
        return box.value!
    }

    /// Handed from the worker thread to the waiting one; the semaphore orders the write before the read.
    final class ResultBox<T>: @unchecked Sendable { var value: T? }

    #if canImport(FoundationXML)
    /// A document whose text comes from an external entity, parsed by FoundationXML with external entities on.
    static func foundationParseOfExternalEntity() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-host-xml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let entity = directory.appendingPathComponent("greeting.txt")
        try Data("hello from the host".utf8).write(to: entity)
        let xml = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY greeting SYSTEM "\#(entity.absoluteString)">]><r>&greeting;</r>"#
        let document = try XMLDocument(data: Data(xml.utf8), options: [.nodeLoadExternalEntitiesAlways])
        return document.rootElement()?.stringValue ?? ""
    }

    @Test func foundationXMLStillLoadsExternalEntitiesAfterSAMLCoreRan() throws {
        // Other suites of this process may be initialising SAMLCore right now: libxmlsec1's one-time xmlSecInit
        // installs its own loader for the moment before SAMLCore puts the host's back. Initialise first, so that
        // "before" is not measured inside that window (an embedder can do the same at start-up).
        _ = try Fixtures.metadata()
        let before = try Self.foundationParseOfExternalEntity()
        #expect(before == "hello from the host", "FoundationXML itself did not load the entity: \(before)")
        let loaderBefore = kisi_xml_current_entity_loader()
        try Self.exerciseSAMLCore()
        #expect(kisi_xml_current_entity_loader() == loaderBefore, "SAMLCore replaced libxml2's external entity loader")
        let after = try Self.foundationParseOfExternalEntity()
        #expect(after == before)
    }
    #endif

    /// The calling thread's generic and structured handler, as addresses.
    static func currentHandlers() -> [Int] {
        [kisi_xml_current_generic_error_func(), kisi_xml_current_structured_error_func()].map { Int(bitPattern: $0) }
    }

    @Test func theCallingThreadKeepsItsErrorHandlers() throws {
        let (before, after) = Self.onNewThread { () -> ([Int], [Int]) in
            let before = Self.currentHandlers()
            try? Self.exerciseSAMLCore()
            return (before, Self.currentHandlers())
        }
        #expect(before[0] != 0)
        #expect(after == before, "SAMLCore left other error handlers on the calling thread")
    }

    @Test func newThreadsStillGetLibXML2sDefaultErrorHandler() throws {
        try Self.exerciseSAMLCore()
        let libxml2Default = Int(bitPattern: dlsym(UnsafeMutableRawPointer(bitPattern: 0), "xmlGenericErrorDefaultFunc"))
        #expect(libxml2Default != 0)
        let onNewThread = Self.onNewThread { Self.currentHandlers() }
        #expect(onNewThread == [libxml2Default, 0], "new threads no longer get libxml2's default error handlers")
    }
}
