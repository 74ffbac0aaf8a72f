#ifndef KISI_CLIBXML2_SHIM_H
#define KISI_CLIBXML2_SHIM_H

/* Swift 6.3.1: libxml2's ICU types clash with Foundation's ICU ("UErrorCode has different definitions"). */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>

/* `xmlFree` is a mutable global function pointer, which Swift 6 refuses to touch. */
static inline void kisi_xmlFree(void *ptr) { xmlFree(ptr); }

/* Stops the parser as soon as a DOCTYPE starts: no DTD, no entity declarations, no external subset. */
static inline void kisi_reject_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ExternalID,
                                               const xmlChar *SystemID) {
    (void)name; (void)ExternalID; (void)SystemID;
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    ctxt->_private = (void *)1;
    xmlStopParser(ctxt);
}

/* A parser context whose SAX handler refuses any DOCTYPE. */
static inline xmlParserCtxtPtr kisi_new_secure_parser_ctxt(void) {
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) return NULL;
    ctxt->sax->internalSubset = kisi_reject_internal_subset;
    ctxt->sax->externalSubset = kisi_reject_internal_subset;
    ctxt->_private = NULL;
    return ctxt;
}
static inline int kisi_parser_saw_doctype(xmlParserCtxtPtr ctxt) { return ctxt->_private != NULL; }

/*
 * libxml2 reports errors of parses that do not pass XML_PARSE_NOERROR (xmlsec parses decrypted content with
 * xmlParseInNodeContext) through its per-thread generic handler, which prints to stderr. A library must not
 * write to stderr, and hostile ciphertext would let a sender fill the host's logs: the handler is replaced by
 * one that drops the text (SAMLCore reports failures through SAMLError instead).
 */
static inline void kisi_xml_generic_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
/* Installs the silent handler as the default for new threads and on the calling thread. */
static inline void kisi_silence_libxml_errors(void) {
    xmlThrDefSetGenericErrorFunc(NULL, kisi_xml_generic_silent);
    xmlSetGenericErrorFunc(NULL, kisi_xml_generic_silent);
}

#endif
