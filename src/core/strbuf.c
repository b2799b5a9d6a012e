/* strbuf.c: the bounded string buffer (see strbuf.h). */
#include "core/strbuf.h"
#include "core/xalloc.h"

char strbuf_empty[1];

void strbuf_init(strbuf *sb, size_t max)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->cap = 0;
	sb->max = max;
	sb->failed = false;
}

void strbuf_release(strbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	strbuf_init(sb, sb->max);
}

void strbuf_reset(strbuf *sb)
{
	sb->len = 0;
	if (sb->cap)
		sb->buf[0] = '\0';
	sb->failed = false;
}

char *strbuf_detach(strbuf *sb, size_t *len)
{
	char *s = sb->cap ? sb->buf : xstrdup("");

	if (len)
		*len = sb->len;
	strbuf_init(sb, sb->max);
	return s;
}

/* Makes room for `extra` more bytes plus the NUL; false past the cap. */
static bool grow(strbuf *sb, size_t extra)
{
	size_t max = sb->max ? sb->max : SIZE_MAX / 2;
	size_t need, cap;

	if (sb->failed)
		return false;
	if (extra > max || sb->len > max - extra) {
		sb->failed = true;
		return false;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap;
	if (sb->cap == 0) {
		sb->buf = NULL;
		cap = 0;
	}
	sb->buf = xgrow(sb->buf, &cap, need, 1);
	if (sb->cap == 0)
		sb->buf[0] = '\0';
	sb->cap = cap;
	return true;
}

bool strbuf_grow(strbuf *sb, size_t n)
{
	return grow(sb, n);
}

bool strbuf_add(strbuf *sb, const void *p, size_t n)
{
	if (!grow(sb, n))
		return false;
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return true;
}

bool strbuf_adds(strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

bool strbuf_addc(strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

bool strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !grow(sb, (size_t)n)) {
		sb->failed = true;
		return false;
	}
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return true;
}

bool strbuf_addf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return ok;
}

void strbuf_setlen(strbuf *sb, size_t len)
{
	if (len >= sb->len)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}
