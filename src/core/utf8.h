/* utf8.h: UTF-8 checks and conversions for text that comes from outside
 * (CSV imports, request bodies): validation, decoding, NFC normalisation and
 * cutting to a byte limit without splitting a character. Strings are
 * (pointer, length) pairs and need not be NUL-terminated. */
#ifndef ECRM_UTF8_H
#define ECRM_UTF8_H

#include "core/common.h"

/* True when s[0..n) is well-formed UTF-8 (RFC 3629): no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
 * sequence. On false, *bad_offset (when not NULL) is the offset of the first
 * byte that does not start a well-formed sequence: for "ab\xE4\xB8" it is 2. */
bool utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* Decodes the one character at the start of s[0..n) into *cp; returns the
 * bytes it takes (1-4), or -1 when n is 0 or the bytes are not well-formed
 * (by the rules of utf8_valid); *cp is then left alone. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Writes `cp` as UTF-8 to out (not NUL-terminated); returns the bytes
 * written (1-4), or 0 for a surrogate or a value above U+10FFFF. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* The number of code points in well-formed s[0..n). For malformed input it
 * counts the bytes that are not continuation bytes (10xxxxxx). */
size_t utf8_length(const char *s, size_t n);

/* The Unicode NFC form of s[0..n) (via libunistring), so that "e" + U+0301
 * and U+00E9 are stored and compared alike. Returns a NUL-terminated heap
 * string the caller frees, its length in *outlen (when not NULL); never NULL
 * (out of memory aborts). Malformed bytes each become U+FFFD, so the result
 * is always well-formed. */
char *utf8_nfc(const char *s, size_t n, size_t *outlen);

/* The largest prefix length <= max_bytes that does not cut a character in
 * two: to fit a field into a byte limit. A stray continuation byte counts
 * as a character of its own. */
size_t utf8_truncate(const char *s, size_t n, size_t max_bytes);

#endif
