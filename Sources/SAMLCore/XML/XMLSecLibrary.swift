internal import CLibXML2
internal import CXMLSec

/// Initialisation of libxml2, libxmlsec1 and its OpenSSL backend (done exactly once), and the scope every call
/// into them runs in.
///
/// SAMLCore changes no process-wide state of the host's libxml2: not the external entity loader, not the error
/// handlers, not the parser defaults (a host's FoundationXML, or its own libxml2 code, behaves the same before and
/// after SAMLCore runs; `HostLibXML2StateTests` proves it). Its protections are per parse or per call instead:
/// - every parse uses a parser context of its own whose SAX handler refuses a DOCTYPE and resolves no entity, with
///   `NONET | NOERROR | NOWARNING` (``SecureXMLDocument``), and decrypted content is parsed the same way
///   (`kisi_enc_decrypt_replacing`), not with libxmlsec1's default parser options;
/// - libxmlsec1 contexts allow only same-document references (`enabledReferenceUris`, `enabledUris`), so its
///   input callbacks are never consulted;
/// - each synchronous call sequence into the C libraries runs in ``withQuietErrors(_:)``, which silences libxml2's
///   error handlers on the calling thread only and restores exactly what was there before it returns.
///
/// Initialisation: parser → xmlsec (after which the host's external entity loader, which `xmlSecInit` replaces, is
/// restored) → version and layout checks → OpenSSL app + crypto init. The library never calls the shutdown functions: the host may use libxml2 as
/// well.
enum XMLSecLibrary {
    /// `nil` when initialisation succeeded, otherwise why it failed.
    private static let failure: String? = initialize()

    /// Throws when the C libraries could not be initialised (then nothing in SAMLCore can work).
    static func ensureInitialized() throws(SAMLError) {
        if let failure {
            throw SAMLError(.invalidConfiguration, "libxmlsec1 could not be initialised", detail: failure)
        }
    }

    /// Runs `body`, a synchronous sequence of calls into libxml2/libxmlsec1, with the calling thread's libxml2
    /// error handlers (generic and structured) replaced by ones that drop the text, and puts the thread's previous
    /// handlers back before returning, whatever `body` does. A library must not write to the host's stderr (and
    /// hostile input must not fill its logs); failures are reported through ``SAMLError`` instead. `body` cannot
    /// suspend, so no other work runs on this thread while the quiet handlers are installed.
    static func withQuietErrors<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let saved = kisi_xml_errors_silence()
        defer { kisi_xml_errors_restore(saved) }
        return try body()
    }

    private static func initialize() -> String? {
        withQuietErrors {
            xmlInitParser()
            // xmlSecInit (1.2.35+) installs its own process-wide external entity loader, which refuses every entity
            // of every parse in the process and reports each refusal on stderr: the host's FoundationXML would stop
            // loading entities it asked for. SAMLCore needs no global loader (its parser contexts resolve nothing),
            // so the host's loader is put back at once.
            let hostLoader = xmlGetExternalEntityLoader()
            defer { xmlSetExternalEntityLoader(hostLoader) }
            guard xmlSecInit() >= 0 else { return "xmlSecInit failed" }
            guard kisi_xmlsec_check_version() == 1 else {
                return "libxmlsec1 runtime version differs from the headers this module was built against"
            }
            guard kisi_xmlsec_size_is_uint() == 1 else {
                return "xmlSecSize is not unsigned int: XMLSEC_NO_SIZE_T did not take effect (struct layouts would be wrong)"
            }
            guard xmlSecOpenSSLAppInit(nil) >= 0 else { return "xmlSecOpenSSLAppInit failed" }
            guard xmlSecOpenSSLInit() >= 0 else { return "xmlSecOpenSSLInit failed" }
            return nil
        }
    }
}
