#ifndef KISI_CXMLSEC_SHIM_H
#define KISI_CXMLSEC_SHIM_H

/*
 * SwiftPM drops every -D flag pkg-config returns, but xmlsec's headers depend on them: without
 * XMLSEC_NO_SIZE_T, xmlSecSize is size_t instead of unsigned int and every struct read from Swift has
 * the wrong layout. They are restated here, exactly as `pkg-config --cflags xmlsec1-openssl` prints
 * them on Debian 12 (xmlsec1 1.2.37). `kisi_xmlsec_check_layout()` lets a test prove they took effect.
 */
#define XMLSEC_CRYPTO_OPENSSL 1
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define __XMLSEC_FUNCTION__ __func__

#include <limits.h>
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/tree.h>
#include <libxml/parser.h>
#include <libxml/valid.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/version.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/transforms.h>
#include <xmlsec/templates.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>
#include <xmlsec/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/bio.h>
#include <time.h>

typedef unsigned int kisi_xmlSecSize;

/* Struct sizes as this translation unit sees them; tests compare them with the library's expectations. */
static inline size_t kisi_xmlsec_dsig_ctx_size(void) { return sizeof(xmlSecDSigCtx); }
static inline int kisi_xmlsec_size_is_uint(void) { return sizeof(xmlSecSize) == sizeof(unsigned int); }
/* xmlSecCheckVersion is a macro over xmlSecCheckVersionExt. */
static inline int kisi_xmlsec_check_version(void) { return xmlSecCheckVersion(); }

/* Transform and key-data ids are macros over ...GetKlass() functions. */
static inline xmlSecTransformId kisi_transform_enveloped(void) { return xmlSecTransformEnvelopedId; }
static inline xmlSecTransformId kisi_transform_excl_c14n(void) { return xmlSecTransformExclC14NId; }
static inline xmlSecTransformId kisi_transform_excl_c14n_comments(void) { return xmlSecTransformExclC14NWithCommentsId; }
static inline xmlSecTransformId kisi_transform_sha256(void) { return xmlSecOpenSSLTransformSha256GetKlass(); }
static inline xmlSecTransformId kisi_transform_sha384(void) { return xmlSecOpenSSLTransformSha384GetKlass(); }
static inline xmlSecTransformId kisi_transform_sha512(void) { return xmlSecOpenSSLTransformSha512GetKlass(); }
static inline xmlSecTransformId kisi_transform_sha1(void) { return xmlSecOpenSSLTransformSha1GetKlass(); }
static inline xmlSecTransformId kisi_transform_rsa_sha256(void) { return xmlSecOpenSSLTransformRsaSha256GetKlass(); }
static inline xmlSecTransformId kisi_transform_rsa_sha384(void) { return xmlSecOpenSSLTransformRsaSha384GetKlass(); }
static inline xmlSecTransformId kisi_transform_rsa_sha512(void) { return xmlSecOpenSSLTransformRsaSha512GetKlass(); }
static inline xmlSecTransformId kisi_transform_rsa_sha1(void) { return xmlSecOpenSSLTransformRsaSha1GetKlass(); }
static inline xmlSecTransformId kisi_transform_aes128_cbc(void) { return xmlSecOpenSSLTransformAes128CbcGetKlass(); }
static inline xmlSecTransformId kisi_transform_aes192_cbc(void) { return xmlSecOpenSSLTransformAes192CbcGetKlass(); }
static inline xmlSecTransformId kisi_transform_aes256_cbc(void) { return xmlSecOpenSSLTransformAes256CbcGetKlass(); }
static inline xmlSecTransformId kisi_transform_aes128_gcm(void) { return xmlSecOpenSSLTransformAes128GcmGetKlass(); }
static inline xmlSecTransformId kisi_transform_aes256_gcm(void) { return xmlSecOpenSSLTransformAes256GcmGetKlass(); }
static inline xmlSecTransformId kisi_transform_rsa_oaep(void) { return xmlSecOpenSSLTransformRsaOaepGetKlass(); }
static inline xmlSecTransformId kisi_transform_rsa_pkcs1(void) { return xmlSecOpenSSLTransformRsaPkcs1GetKlass(); }
static inline xmlSecTransformId kisi_transform_des3_cbc(void) { return xmlSecOpenSSLTransformDes3CbcGetKlass(); }
static inline xmlSecKeyDataId kisi_keydata_rsa(void) { return xmlSecOpenSSLKeyDataRsaGetKlass(); }
static inline xmlSecKeyDataId kisi_keydata_aes(void) { return xmlSecOpenSSLKeyDataAesGetKlass(); }
static inline xmlSecKeyDataId kisi_keydata_enc_key(void) { return xmlSecKeyDataEncryptedKeyGetKlass(); }
static inline xmlSecKeyDataId kisi_keydata_retrieval_method(void) { return xmlSecKeyDataRetrievalMethodGetKlass(); }
static inline xmlSecKeyDataId kisi_keydata_name(void) { return xmlSecKeyDataNameGetKlass(); }
static inline xmlSecKeyDataId kisi_keydata_value(void) { return xmlSecKeyDataValueGetKlass(); }
static inline xmlSecKeyStoreId kisi_keystore_simple(void) { return xmlSecSimpleKeysStoreGetKlass(); }

/*
 * Decrypts `node` (an xenc:EncryptedData of Type Element or Content) and puts the parsed plaintext in its place,
 * as xmlSecEncCtxDecrypt does, but parsing with this module's own options (no network, errors kept out of the
 * thread's error handlers) instead of libxmlsec1's process-wide default parser options, which SAMLCore leaves
 * alone. The plaintext is parsed in the context of node's parent, like xmlsec's xmlSecReplaceNodeBuffer: content
 * mode admits no DOCTYPE, and the document has no DTD, so an entity reference is an error.
 * Returns 0 on success, -1 when decryption failed, -2 for another Type, -3 when the plaintext is not well-formed
 * XML (then the document is unchanged).
 */
/*
 * XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING as numbers: naming libxml2's enum constants in this
 * header as well as in CLibXML2's makes them ambiguous to Swift in release builds ("cannot find XML_PARSE_NOERROR").
 * XMLSecBuildTests checks the value against the enum.
 */
#define KISI_DECRYPTED_PARSE_OPTIONS (2048 | 32 | 64)
static inline int kisi_decrypted_parse_options(void) { return KISI_DECRYPTED_PARSE_OPTIONS; }

static inline int kisi_enc_decrypt_replacing(xmlSecEncCtxPtr ctx, xmlNodePtr node) {
    if (node == NULL || node->parent == NULL || node->doc == NULL) return -1;
    xmlSecBufferPtr result = xmlSecEncCtxDecryptToBuffer(ctx, node);
    if (result == NULL) return -1;
    if (ctx->type == NULL || !(xmlStrEqual(ctx->type, xmlSecTypeEncElement) || xmlStrEqual(ctx->type, xmlSecTypeEncContent))) {
        return -2;
    }
    const xmlSecByte *data = xmlSecBufferGetData(result);
    xmlSecSize size = xmlSecBufferGetSize(result);
    if (data == NULL || size == 0 || size > (xmlSecSize)INT_MAX) return -3;

    xmlDocPtr doc = node->doc;
    /* libxml2 would otherwise switch the plaintext's encoding to the document's declared one. */
    const xmlChar *encoding = doc->encoding;
    doc->encoding = NULL;
    xmlNodePtr results = NULL;
    xmlParserErrors status = xmlParseInNodeContext(
        node->parent, (const char *)data, (int)size,
        KISI_DECRYPTED_PARSE_OPTIONS, &results);
    doc->encoding = encoding;
    if (status != XML_ERR_OK) {
        if (results != NULL) xmlFreeNodeList(results);
        return -3;
    }
    while (results != NULL) {
        xmlNodePtr next = results->next;
        xmlAddPrevSibling(node, results);
        results = next;
    }
    xmlUnlinkNode(node);
    xmlFreeNode(node);
    return 0;
}

/*
 * What OpenSSL reads from a DER certificate: the RSA key size (0 for another key type), the end of validity (Unix
 * time), the subject (RFC 2253, written to subject, at most subjectSize bytes with the NUL) and the DER
 * SubjectPublicKeyInfo (*spki, freed by the caller with kisi_openssl_free). swift-crypto refuses RSA keys below 2048
 * bits outright; this lets SAMLCore name the key size and, when the host opted in, accept such a certificate.
 * Returns 0 on success, -1 when OpenSSL cannot parse the certificate.
 */
static inline int kisi_x509_facts(const unsigned char *der, long length, int *rsaBits, long long *notAfter,
                                  char *subject, size_t subjectSize, unsigned char **spki, int *spkiLength) {
    const unsigned char *cursor = der;
    X509 *certificate = d2i_X509(NULL, &cursor, length);
    if (certificate == NULL || cursor != der + length) { X509_free(certificate); return -1; }
    int result = -1;
    EVP_PKEY *key = X509_get0_pubkey(certificate);
    const ASN1_TIME *end = X509_get0_notAfter(certificate);
    struct tm tm;
    BIO *bio = BIO_new(BIO_s_mem());
    if (key != NULL && end != NULL && bio != NULL && ASN1_TIME_to_tm(end, &tm) == 1) {
        *rsaBits = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? EVP_PKEY_get_bits(key) : 0;
        *notAfter = (long long)timegm(&tm);
        if (X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253) >= 0) {
            int written = BIO_read(bio, subject, (int)subjectSize - 1);
            subject[written > 0 ? written : 0] = 0;
            *spki = NULL;
            *spkiLength = i2d_PUBKEY(key, spki);
            if (*spkiLength > 0) result = 0;
        }
    }
    BIO_free(bio);
    X509_free(certificate);
    return result;
}
static inline void kisi_openssl_free(void *pointer) { OPENSSL_free(pointer); }

#endif
