internal import CLibXML2
internal import CXMLSec

/// Process-wide initialisation of libxml2, libxmlsec1 and its OpenSSL backend, done exactly once.
///
/// The order is the one documented in `shared/notes/xmlsec.md`: parser → an external-entity loader that loads
/// nothing → xmlsec → version check → drop xmlsec's http/ftp/file loaders → parser defaults without `HUGE`
/// and with `NONET` → OpenSSL app + crypto init. The library never calls the shutdown functions: the host may
/// use libxml2 as well.
enum XMLSecLibrary {
    /// `nil` when initialisation succeeded, otherwise why it failed.
    private static let failure: String? = initialize()

    /// Throws when the C libraries could not be initialised (then nothing in SAMLCore can work).
    static func ensureInitialized() throws(SAMLError) {
        if let failure {
            throw SAMLError(.invalidConfiguration, "libxmlsec1 could not be initialised", detail: failure)
        }
        // libxml2's error handler is per thread: install the silent one on whichever thread is about to parse,
        // verify or decrypt (see kisi_silence_libxml_errors in the CLibXML2 shim).
        kisi_silence_libxml_errors()
    }

    private static func initialize() -> String? {
        xmlInitParser()
        kisi_silence_libxml_errors()
        // Never load anything external: DTDs, entities, XInclude, stylesheets.
        xmlSetExternalEntityLoader { _, _, _ in nil }
        guard xmlSecInit() >= 0 else { return "xmlSecInit failed" }
        guard kisi_xmlsec_check_version() == 1 else {
            return "libxmlsec1 runtime version differs from the headers this module was built against"
        }
        guard kisi_xmlsec_size_is_uint() == 1 else {
            return "xmlSecSize is not unsigned int: XMLSEC_NO_SIZE_T did not take effect (struct layouts would be wrong)"
        }
        xmlSecIOCleanupCallbacks()
        xmlSecParserSetDefaultOptions(Int32(XML_PARSE_NONET.rawValue))
        xmlSecErrorsDefaultCallbackEnableOutput(0)
        guard xmlSecOpenSSLAppInit(nil) >= 0 else { return "xmlSecOpenSSLAppInit failed" }
        guard xmlSecOpenSSLInit() >= 0 else { return "xmlSecOpenSSLInit failed" }
        return nil
    }
}
