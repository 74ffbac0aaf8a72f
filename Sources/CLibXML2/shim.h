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

#endif
