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

/* Resolves no entity: nothing external is ever loaded through this parser context. */
static inline xmlParserInputPtr kisi_resolve_no_entity(void *ctx, const xmlChar *publicId, const xmlChar *systemId) {
    (void)publicId; (void)systemId;
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    ctxt->_private = (void *)1;
    xmlStopParser(ctxt);
    return NULL;
}

/*
 * A parser context whose own SAX handler refuses any DOCTYPE and resolves no external entity. These protections
 * live in this context only: SAMLCore never replaces libxml2's process-wide external entity loader.
 */
static inline xmlParserCtxtPtr kisi_new_secure_parser_ctxt(void) {
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) return NULL;
    ctxt->sax->internalSubset = kisi_reject_internal_subset;
    ctxt->sax->externalSubset = kisi_reject_internal_subset;
    ctxt->sax->resolveEntity = kisi_resolve_no_entity;
    ctxt->_private = NULL;
    return ctxt;
}
static inline int kisi_parser_saw_doctype(xmlParserCtxtPtr ctxt) { return ctxt->_private != NULL; }

/*
 * libxml2 reports some errors through the calling thread's generic or structured error handler, which print to
 * stderr by default: errors without a parser context (C14N, tree and XPath functions libxmlsec1 calls) and those
 * of parses that do not pass XML_PARSE_NOERROR. A library must not write to stderr, and hostile input would let a
 * sender fill the host's logs; but the handlers are the host's too. So SAMLCore silences them only for the
 * duration of one synchronous call into libxml2/libxmlsec1 on the calling thread and then puts back exactly what
 * was there (kisi_xml_errors_silence / kisi_xml_errors_restore). Nothing process-wide is changed, and no other
 * thread is affected (the handlers are per thread).
 */
static inline void kisi_xml_generic_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void kisi_xml_structured_silent(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }

/* The calling thread's error handlers, as kisi_xml_errors_silence found them. */
typedef struct {
    xmlGenericErrorFunc generic;
    void *genericContext;
    xmlStructuredErrorFunc structured;
    void *structuredContext;
} kisi_xml_error_handlers;

/* Installs handlers that drop the text on the calling thread and returns the ones they replace. */
static inline kisi_xml_error_handlers kisi_xml_errors_silence(void) {
    kisi_xml_error_handlers saved;
    saved.generic = *__xmlGenericError();
    saved.genericContext = *__xmlGenericErrorContext();
    saved.structured = *__xmlStructuredError();
    saved.structuredContext = *__xmlStructuredErrorContext();
    *__xmlGenericError() = kisi_xml_generic_silent;
    *__xmlGenericErrorContext() = NULL;
    *__xmlStructuredError() = kisi_xml_structured_silent;
    *__xmlStructuredErrorContext() = NULL;
    return saved;
}

/* Puts back exactly the handlers kisi_xml_errors_silence returned. */
static inline void kisi_xml_errors_restore(kisi_xml_error_handlers saved) {
    *__xmlGenericError() = saved.generic;
    *__xmlGenericErrorContext() = saved.genericContext;
    *__xmlStructuredError() = saved.structured;
    *__xmlStructuredErrorContext() = saved.structuredContext;
}

/* The calling thread's current handlers (for tests that prove the restore). */
static inline void *kisi_xml_current_generic_error_func(void) { return (void *)*__xmlGenericError(); }
static inline void *kisi_xml_current_structured_error_func(void) { return (void *)*__xmlStructuredError(); }
/* The process-wide external entity loader (for tests that prove SAMLCore leaves it alone). */
static inline void *kisi_xml_current_entity_loader(void) { return (void *)xmlGetExternalEntityLoader(); }

#endif
