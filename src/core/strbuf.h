/* strbuf.h: a growable, NUL-terminated byte buffer with a size cap.
 * `buf` is never NULL. An append that would pass the cap fails, the buffer
 * keeps what it had, and the failure sticks until strbuf_reset, so a caller
 * appends freely and checks `strbuf_failed` once at the end. */
#ifndef ECRM_STRBUF_H
#define ECRM_STRBUF_H

#include "core/common.h"

typedef struct {
	char *buf;
	size_t len;
	size_t cap; /* allocated bytes, 0 while `buf` is the shared empty string */
	size_t max; /* the most `len` may reach; 0 means SIZE_MAX / 2 */
	bool failed;
} strbuf;

#define STRBUF_INIT { strbuf_empty, 0, 0, 0, false }
extern char strbuf_empty[1];

/* Sets up an empty buffer that may grow to `max` bytes (0: no cap). */
void strbuf_init(strbuf *sb, size_t max);
/* Frees what the buffer holds and leaves it empty and usable. */
void strbuf_release(strbuf *sb);
/* Empties the buffer (keeps its memory) and clears a sticky failure. */
void strbuf_reset(strbuf *sb);
/* Returns the heap string and leaves `sb` empty; the caller frees it. */
char *strbuf_detach(strbuf *sb, size_t *len);

/* Makes room for `n` more bytes (and the NUL) without adding any, so a
 * writer may fill buf[len..len+n) itself and then advance len; false past
 * the cap (the failure sticks). */
bool strbuf_grow(strbuf *sb, size_t n);
bool strbuf_add(strbuf *sb, const void *p, size_t n);
bool strbuf_adds(strbuf *sb, const char *s);
bool strbuf_addc(strbuf *sb, char c);
bool strbuf_addf(strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
bool strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
/* Shortens the buffer to `len` bytes (no-op when already shorter). */
void strbuf_setlen(strbuf *sb, size_t len);

static inline bool strbuf_failed(const strbuf *sb)
{
	return sb->failed;
}

#endif
