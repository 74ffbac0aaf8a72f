import CLibXML2
import CXMLSec
import Testing

/// Guards the build trap in shared/notes/xmlsec.md: SwiftPM drops pkg-config's -D flags, and without
/// XMLSEC_NO_SIZE_T every xmlsec struct read from Swift has the wrong layout.
@Suite struct XMLSecBuildTests {
    /// The decrypted-content parse options are spelled as numbers in the CXMLSec shim (libxml2's enum constants in
    /// two C modules broke release builds); they must equal NONET | NOERROR | NOWARNING.
    @Test func decryptedContentParseOptions() {
        #expect(kisi_decrypted_parse_options()
                == Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
    }

    @Test func xmlSecSizeIsUnsignedInt() {
        #expect(kisi_xmlsec_size_is_uint() == 1)
        #expect(MemoryLayout<kisi_xmlSecSize>.size == MemoryLayout<UInt32>.size)
    }

    @Test func dsigContextHasTheLibrarysLayout() {
        // 1032 bytes with XMLSEC_NO_SIZE_T on x86_64 (1104 without it); Swift must agree with C.
        #expect(kisi_xmlsec_dsig_ctx_size() == 1032)
        #expect(MemoryLayout<xmlSecDSigCtx>.size == kisi_xmlsec_dsig_ctx_size())
    }

    @Test func headersMatchTheRuntimeLibrary() {
        #expect(kisi_xmlsec_check_version() == 1)
    }
}
