/* utf8.c: UTF-8 validation, decoding, NFC and truncation (see utf8.h).
 * The well-formedness rules are those of Unicode's table 3-7: the second
 * byte's range depends on the first (E0 A0.., ED ..9F, F0 90.., F4 ..8F),
 * which is what excludes overlongs, surrogates and values past U+10FFFF. */
#include "core/utf8.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#include <uninorm.h>

static inline bool is_cont(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

/* True when none of the 8 bytes at s has its top bit set. */
static inline bool ascii8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return (w & 0x8080808080808080u) == 0;
}

static bool all_ascii(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		if (!ascii8(s + i))
			return false;
	for (; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char b0, lo = 0x80, hi = 0xBF;

	if (n == 0)
		return -1;
	b0 = u[0];
	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if (b0 < 0xC2) /* a continuation byte, or C0/C1 which only start overlongs */
		return -1;
	if (b0 < 0xE0) {
		if (n < 2 || !is_cont(u[1]))
			return -1;
		*cp = (uint32_t)(b0 & 0x1F) << 6 | (u[1] & 0x3F);
		return 2;
	}
	if (b0 < 0xF0) {
		if (b0 == 0xE0)
			lo = 0xA0; /* below: overlong */
		else if (b0 == 0xED)
			hi = 0x9F; /* above: surrogates */
		if (n < 3 || u[1] < lo || u[1] > hi || !is_cont(u[2]))
			return -1;
		*cp = (uint32_t)(b0 & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
		return 3;
	}
	if (b0 < 0xF5) {
		if (b0 == 0xF0)
			lo = 0x90; /* below: overlong */
		else if (b0 == 0xF4)
			hi = 0x8F; /* above: past U+10FFFF */
		if (n < 4 || u[1] < lo || u[1] > hi || !is_cont(u[2]) || !is_cont(u[3]))
			return -1;
		*cp = (uint32_t)(b0 & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
		      (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
		return 4;
	}
	return -1; /* F5..FF never occur */
}

bool utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int k;

		if ((unsigned char)s[i] < 0x80) {
			i++;
			while (i + 8 <= n && ascii8(s + i))
				i += 8;
			continue;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if (k < 0) {
			if (bad_offset)
				*bad_offset = i;
			return false;
		}
		i += (size_t)k;
	}
	return true;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			return 0;
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

size_t utf8_length(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += !is_cont((unsigned char)s[i]);
	return count;
}

static char *copy_string(const char *s, size_t n, size_t *outlen)
{
	char *r = xmalloc(n + 1);

	memcpy(r, s, n);
	r[n] = '\0';
	if (outlen)
		*outlen = n;
	return r;
}

/* NFC of well-formed s[0..n). The result goes into our own buffer when it
 * fits (the usual case: NFC rarely grows text), else libunistring allocates. */
static char *nfc_valid(const char *s, size_t n, size_t *outlen)
{
	size_t len = n;
	char *buf = xmalloc(n + 1);
	uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, (uint8_t *)buf, &len);

	if (!r) {
		free(buf);
		if (errno == ENOMEM) {
			fprintf(stderr, "ecrm: out of memory normalising %zu bytes\n", n);
			abort();
		}
		/* Not expected for well-formed input; keep the text as it is. */
		return copy_string(s, n, outlen);
	}
	if ((char *)r != buf) {
		free(buf);
		buf = xrealloc(r, len + 1);
	}
	buf[len] = '\0';
	if (outlen)
		*outlen = len;
	return buf;
}

char *utf8_nfc(const char *s, size_t n, size_t *outlen)
{
	strbuf fixed;
	size_t bad;
	char *r;

	if (all_ascii(s, n))
		return copy_string(s, n, outlen);
	if (utf8_valid(s, n, &bad))
		return nfc_valid(s, n, outlen);
	strbuf_init(&fixed, 0);
	do {
		strbuf_add(&fixed, s, bad);
		strbuf_add(&fixed, "\xEF\xBF\xBD", 3); /* U+FFFD REPLACEMENT CHARACTER */
		s += bad + 1;
		n -= bad + 1;
	} while (!utf8_valid(s, n, &bad));
	strbuf_add(&fixed, s, n);
	r = nfc_valid(fixed.buf, fixed.len, outlen);
	strbuf_release(&fixed);
	return r;
}

size_t utf8_truncate(const char *s, size_t n, size_t max_bytes)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start, len;

	if (n <= max_bytes)
		return n;
	if (!is_cont(u[max_bytes]))
		return max_bytes;
	/* u[max_bytes] continues a character: find where that one starts. */
	start = max_bytes;
	while (start > 0 && max_bytes - start < 3 && is_cont(u[start]))
		start--;
	if (is_cont(u[start]))
		return max_bytes; /* only stray continuation bytes around */
	len = u[start] >= 0xF0 ? 4 : u[start] >= 0xE0 ? 3 : u[start] >= 0xC0 ? 2 : 1;
	return start + len > max_bytes ? start : max_bytes;
}
