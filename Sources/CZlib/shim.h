#ifndef KISI_CZLIB_SHIM_H
#define KISI_CZLIB_SHIM_H

#include <zlib.h>

/* deflateInit2/inflateInit2 are macros over the ...2_ functions (they pass the version and struct size). */
static inline int kisi_deflate_init_raw(z_streamp stream, int level) {
    /* Negative windowBits: raw DEFLATE (RFC 1951), no zlib header or checksum, as the SAML Redirect binding requires.
       A 4 KiB window (-12) and memLevel 5 keep the per-call state small; SAML messages fit in the window. */
    return deflateInit2(stream, level, Z_DEFLATED, -12, 5, Z_DEFAULT_STRATEGY);
}
static inline int kisi_inflate_init_raw(z_streamp stream) { return inflateInit2(stream, -15); }

#endif
