/* csv.c: streaming CSV reading (RFC 4180) with physical line numbers. The
 * file is read in large blocks and rows are cut in place: no copy of an
 * unquoted field, no callback per field. */
#include "ingest/csv.h"
#include "core/xalloc.h"

typedef struct {
	csv_row_fn fn;
	void *user;
	err *e;
	status rc;          /* first failure: later rows are skipped */
	size_t max_field;
	size_t max_row;
	int64_t max_rows;
	bool stop;          /* max_rows reached */
	const char **ptr;   /* the current row's fields */
	size_t *len;
	size_t n, cap;
	int64_t newlines;   /* line ends seen so far, quoted ones included */
	int64_t index;
	int64_t bytes;
} reader;

static void ensure_fields(reader *r, size_t n)
{
	if (r->cap < n) {
		size_t cap_len = r->cap;
		r->len = xgrow(r->len, &cap_len, n, sizeof(*r->len));
		r->ptr = xgrow(r->ptr, &r->cap, n, sizeof(*r->ptr));
	}
}

/* Hands the current row to the callback. */
static void emit_row(reader *r, int64_t line)
{
	csv_row row = { r->n, r->ptr, r->len, line, r->index++, r->bytes };

	r->rc = r->fn(r->user, &row, r->e);
	r->stop = r->max_rows && r->index >= r->max_rows;
}

static status read_whitespace(FILE *f, reader *r)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;

	while (!r->rc && !r->stop && (got = getline(&line, &cap, f)) >= 0) {
		char *p = line, *end = line + got;
		r->bytes += got;
		r->newlines++;
		r->n = 0;
		while (p < end) {
			char *q;
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
				p++;
			if (p == end)
				break;
			q = p;
			while (q < end && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n')
				q++;
			if ((size_t)(q - p) > r->max_field) {
				r->rc = err_set(r->e, E_TOOBIG,
						"line %" PRId64 ", column %zu: field longer than %zu bytes",
						r->newlines, r->n + 1, r->max_field);
				break;
			}
			ensure_fields(r, r->n + 1);
			r->ptr[r->n] = p;
			r->len[r->n++] = (size_t)(q - p);
			p = q + (q < end);
			*q = '\0';
		}
		if (!r->rc && r->n)
			emit_row(r, r->newlines);
	}
	free(line);
	return r->rc;
}

/* A field of a scanned row, as offsets from the row's start. */
typedef struct {
	size_t start, end; /* [start, end) before unquoting */
	bool quoted;
} span;

/* Finds the row that starts at `p`: its fields go to *spans and *row_end
 * is set after its line end. `special` marks the separator, quote, CR and
 * LF. Quotes are special only at the start of a field, as in RFC 4180; a
 * quote elsewhere is a character. Returns 1 for a whole row, 0 when the
 * buffer ends first (more data is needed), -1 for a quote never closed;
 * the buffer is not written. */

static void push_span(span **spans, size_t *cap, size_t *n, span sp)
{
	if (*n == *cap)
		*spans = xgrow(*spans, cap, *n + 1, sizeof(**spans));
	(*spans)[(*n)++] = sp;
}

static int scan_row(const char *p, const char *end, bool eof, const bool *special,
		    span **spans, size_t *cap, size_t *n, const char **row_end, int64_t *newlines)
{
	const char *base = p, *f = p;
	bool quoted = false;
	int64_t nl = 0;

	*n = 0;
	while (p < end) {
		if (*p == '"' && p == f) {
			/* A quoted field: jump from quote to quote. */
			const char *q = p + 1;
			quoted = true;
			for (;;) {
				const char *close = memchr(q, '"', (size_t)(end - q));
				for (const char *c = q;
				     (c = memchr(c, '\n', (size_t)((close ? close : end) - c))); c++)
					nl++;
				if (!close)
					return eof ? -1 : 0;
				if (close + 1 == end && !eof)
					return 0; /* is it "" or the closing quote? */
				if (close + 1 < end && close[1] == '"') {
					q = close + 2;
					continue;
				}
				p = close + 1;
				break;
			}
		}
		/* The plain part of a field: everything up to a separator. */
		while (p < end && !special[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		char c = *p;
		if (c == '"') {
			p++; /* a quote inside a field is a character */
			continue;
		}
		push_span(spans, cap, n, (span){ (size_t)(f - base), (size_t)(p - base), quoted });
		quoted = false;
		if (c != '\n' && c != '\r') {
			f = ++p;
			continue;
		}
		if (c == '\r') {
			if (p + 1 == end && !eof)
				return 0;
			if (p + 1 < end && p[1] == '\n')
				p++;
		}
		*row_end = p + 1;
		*newlines += nl + 1;
		return 1;
	}
	if (!eof)
		return 0;
	/* The last line has no line end. */
	if (p > base)
		push_span(spans, cap, n, (span){ (size_t)(f - base), (size_t)(p - base), quoted });
	*row_end = p;
	*newlines += nl;
	return 1;
}

/* Turns the spans of a scanned row into NUL-terminated fields, in place:
 * quotes come off and doubled quotes become one. */
static void cut_fields(reader *r, char *row, const span *sp, size_t n)
{
	ensure_fields(r, n);
	for (size_t i = 0; i < n; i++) {
		char *f = row + sp[i].start, *e = row + sp[i].end;
		if (sp[i].quoted && e - f >= 2 && e[-1] == '"' && !memchr(f + 1, '"', (size_t)(e - f - 2))) {
			f++; /* the usual case: "text" with no quote inside */
			e--;
		} else if (sp[i].quoted) {
			char *w = f, *q = f + 1;
			while (q < e) {
				if (*q == '"') {
					if (q + 1 < e && q[1] == '"')
						*w++ = '"';
					q += 2;
					continue; /* text after the closing quote is kept */
				}
				*w++ = *q++;
			}
			e = w;
		}
		*e = '\0';
		r->ptr[i] = f;
		r->len[i] = (size_t)(e - f);
	}
	r->n = n;
}

static status read_csv(FILE *f, reader *r, char delim)
{
	size_t size = 1 << 20, have = 0, pos = 0, cap_spans = 0, n;
	char *buf = xmalloc(size + 1);
	span *spans = NULL;
	bool eof = false, refill = true, first = true;
	bool special[256] = { false };
	const char *row_end;

	while (!r->rc && !r->stop) {
		if (refill && !eof) {
			/* Keep the unfinished row at the front; read behind it. */
			memmove(buf, buf + pos, have - pos);
			have -= pos;
			pos = 0;
			if (have == size) {
				if (size >= r->max_row) {
					r->rc = err_set(r->e, E_TOOBIG,
							"line %" PRId64 ": row longer than %zu bytes",
							r->newlines + 1, size);
					break;
				}
				size *= 2;
				buf = xrealloc(buf, size + 1);
			}
			size_t got = fread(buf + have, 1, size - have, f);
			if (got == 0 && ferror(f)) {
				r->rc = err_set(r->e, E_IO, "read error: %s", strerror(errno));
				break;
			}
			eof = got == 0;
			have += got;
			r->bytes += (int64_t)got;
			if (first) {
				first = false;
				if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
					pos = 3;
				if (!delim) {
					char *nl = memchr(buf + pos, '\n', have - pos);
					delim = csv_guess_delim(buf + pos,
								nl ? (size_t)(nl - buf) - pos : have - pos);
				}
				special[(unsigned char)delim] = special['"'] = true;
				special['\n'] = special['\r'] = true;
			}
		}
		if (pos == have && eof)
			break;
		int64_t line = r->newlines + 1;
		int got_row = scan_row(buf + pos, buf + have, eof, special, &spans, &cap_spans, &n,
				       &row_end, &r->newlines);
		if (got_row < 0) {
			r->rc = err_set(r->e, E_INVAL, "line %" PRId64 ": a quoted field is never closed",
					line);
			break;
		}
		refill = got_row == 0;
		if (refill)
			continue;
		char *row = buf + pos;
		pos = (size_t)(row_end - buf);
		for (size_t i = 0; i < n && !r->rc; i++) {
			if (spans[i].end - spans[i].start > r->max_field)
				r->rc = err_set(r->e, E_TOOBIG,
						"line %" PRId64 ", column %zu: field longer than %zu bytes",
						line, i + 1, r->max_field);
		}
		/* A blank line is no row. */
		if (!r->rc && !(n == 1 && spans[0].end == spans[0].start && !spans[0].quoted)) {
			cut_fields(r, row, spans, n);
			emit_row(r, line);
		}
	}
	free(spans);
	free(buf);
	return r->rc;
}

status csv_read(const char *path, const csv_options *opt, csv_row_fn fn, void *user, err *e)
{
	reader r = { .fn = fn, .user = user, .e = e };
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	status rc;

	if (!f)
		return err_set(e, errno == ENOENT ? E_NOTFOUND : E_IO, "cannot open %s: %s", path,
			       strerror(errno));
	r.max_field = opt->max_field ? opt->max_field : 1 << 20;
	r.max_rows = opt->max_rows;
	r.max_row = 16 << 20;
	rc = opt->whitespace ? read_whitespace(f, &r) : read_csv(f, &r, opt->delim);
	if (rc && e->code == E_OK)
		err_set(e, rc, "%s: read failed", path);
	free(r.len);
	free(r.ptr);
	if (!is_stdin)
		fclose(f);
	return rc;
}

char csv_guess_delim(const char *line, size_t n)
{
	static const char cands[] = { ',', ';', '\t', '|' };
	size_t count[ARRAY_SIZE(cands)] = { 0 }, best = 0;
	bool quoted = false;

	for (size_t i = 0; i < n; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		for (size_t k = 0; !quoted && k < ARRAY_SIZE(cands); k++)
			count[k] += line[i] == cands[k];
	}
	for (size_t k = 1; k < ARRAY_SIZE(cands); k++) {
		if (count[k] > count[best])
			best = k;
	}
	return cands[best];
}

void csv_write_field(FILE *f, const char *v)
{
	size_t n;

	if (!v)
		return;
	n = strlen(v);
	if (!strpbrk(v, ",\"\r\n") && !(n && (v[0] == ' ' || v[n - 1] == ' '))) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

void csv_write_row(FILE *f, size_t n, const char *const *fields)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		csv_write_field(f, fields[i]);
	}
	fputc('\n', f);
}
