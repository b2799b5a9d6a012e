/* baskets.c: the baskets file reader (see baskets.h). */
#include "ingest/baskets.h"
#include "core/xalloc.h"

#define MAX_IDS (UINT32_MAX - 1)

void baskets_init(baskets *b)
{
	memset(b, 0, sizeof(*b));
	arena_init(&b->names_arena, 0);
	b->offsets = xcalloc(1, sizeof(size_t));
	b->baskets_cap = 1;
}

void baskets_release(baskets *b)
{
	free(b->offsets);
	free(b->items);
	free(b->names);
	free(b->lens);
	free(b->seen);
	free(b->slots);
	arena_release(&b->names_arena);
	memset(b, 0, sizeof(*b));
}

/* FNV-1a: short names, good spread, no table; one byte at a time so the
 * tokenizer can hash while it scans. */
#define FNV_BASIS      2166136261u
#define FNV_STEP(h, c) (((h) ^ (unsigned char)(c)) * 16777619u)

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = FNV_BASIS;

	for (size_t i = 0; i < n; i++)
		h = FNV_STEP(h, s[i]);
	return h;
}

/* memcmp for the short names seen here, without a library call. */
static inline bool same_name(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
	}
	return true;
}

/* The slot holding `name`, or the empty slot where it belongs. A slot keeps
 * the hash beside the id, so most mismatches cost no look at the name. */
static size_t find_slot(const baskets *b, const char *name, size_t n, uint32_t h)
{
	size_t mask = b->n_slots - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		uint64_t v = b->slots[i];
		uint32_t id = (uint32_t)v - 1;
		if (!v)
			return i;
		if ((uint32_t)(v >> 32) == h && b->lens[id] == n &&
		    same_name(b->names[id], name, n))
			return i;
	}
}

static void grow_table(baskets *b)
{
	size_t n = b->n_slots ? b->n_slots * 2 : 1024;
	uint64_t *old = b->slots, *slots = xcalloc(n, sizeof(uint64_t));

	for (size_t j = 0; j < b->n_slots; j++) {
		size_t i;
		if (!old[j])
			continue;
		i = (old[j] >> 32) & (n - 1);
		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = old[j];
	}
	free(old);
	b->slots = slots;
	b->n_slots = n;
}

/* The id of the item `name` (n bytes, hash h), made when new; UINT32_MAX
 * past the limit. */
static uint32_t intern(baskets *b, const char *name, size_t n, uint32_t h)
{
	uint32_t id;
	size_t slot;

	if (2 * ((size_t)b->n_items + 1) > b->n_slots)
		grow_table(b);
	slot = find_slot(b, name, n, h);
	if (b->slots[slot])
		return b->slots[slot] - 1;
	if (b->n_items >= MAX_IDS)
		return UINT32_MAX;
	id = b->n_items++;
	if (id >= b->names_cap) {
		size_t cap = b->names_cap;
		b->names = xgrow(b->names, &cap, (size_t)id + 1, sizeof(char *));
		cap = b->names_cap;
		b->lens = xgrow(b->lens, &cap, (size_t)id + 1, sizeof(uint32_t));
		cap = b->names_cap;
		b->seen = xgrow(b->seen, &cap, (size_t)id + 1, sizeof(uint32_t));
		b->names_cap = cap;
	}
	b->names[id] = arena_strndup(&b->names_arena, name, n);
	b->lens[id] = (uint32_t)n;
	b->seen[id] = 0;
	b->slots[slot] = (uint64_t)h << 32 | (id + 1);
	return id;
}

int64_t baskets_find(const baskets *b, const char *name)
{
	size_t n = strlen(name), slot;

	if (!b->n_slots)
		return -1;
	slot = find_slot(b, name, n, name_hash(name, n));
	return b->slots[slot] ? (int64_t)(uint32_t)b->slots[slot] - 1 : -1;
}

/* Space, tab, CR, VT, FF: everything isspace() knows but the newline. */
static inline bool is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r' && c != '\n');
}

/* Adds an item (n bytes, hash h) to the open basket, number n_baskets,
 * whose end is offsets[n_baskets + 1]; false past the id limit. */
static bool add_item(baskets *b, const char *s, size_t n, uint32_t h)
{
	size_t bi = b->n_baskets, pos = b->offsets[bi + 1];
	uint32_t id = intern(b, s, n, h);

	if (id == UINT32_MAX)
		return false;
	if (b->seen[id] == bi + 1)
		return true; /* a repeat within the basket counts once */
	b->seen[id] = (uint32_t)(bi + 1);
	if (pos + 1 > b->items_cap)
		b->items = xgrow(b->items, &b->items_cap, pos + 1, sizeof(uint32_t));
	b->items[pos] = id;
	b->offsets[bi + 1] = pos + 1;
	return true;
}

/* Splits one line (no newline) into the open basket. */
static bool parse_line(baskets *b, const char *s, size_t n, baskets_sep sep)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;
		uint32_t h = FNV_BASIS;

		if (sep == BASKETS_COMMA) {
			start = i;
			while (i < n && s[i] != ',')
				i++;
			end = i++;
			while (start < end && is_blank(s[start]))
				start++;
			while (end > start && is_blank(s[end - 1]))
				end--;
			h = name_hash(s + start, end - start);
		} else {
			while (i < n && is_blank(s[i]))
				i++;
			start = i;
			while (i < n && !is_blank(s[i])) {
				h = FNV_STEP(h, s[i]);
				i++;
			}
			end = i;
		}
		if (end > start && !add_item(b, s + start, end - start, h))
			return false;
	}
	return true;
}

/* AUTO holds lines back until one shows a comma, or this many non-blank
 * lines (or bytes) have shown none: a comma file may well open with
 * single-item baskets such as "whole milk". */
#define AUTO_LINES 1000
#define AUTO_BYTES (4u << 20)

typedef struct {
	size_t end;	/* where the line ends in the held text */
	size_t line_no; /* for error messages */
} held_line;

typedef struct {
	char *text;
	size_t len, cap;
	held_line *lines;
	size_t n, lines_cap, nonblank;
} held;

/* Appends the line s[0 .. n) (no newline) as the next basket. */
static status add_line(baskets *b, const char *s, size_t n, baskets_sep sep, const char *name,
		       size_t line_no, err *e)
{
	if (b->n_baskets >= MAX_IDS)
		return err_set(e, E_TOOBIG, "%s:%zu: more than %u baskets", name, line_no, MAX_IDS);
	if (b->n_baskets + 2 > b->baskets_cap)
		b->offsets = xgrow(b->offsets, &b->baskets_cap, b->n_baskets + 2, sizeof(size_t));
	b->offsets[b->n_baskets + 1] = b->offsets[b->n_baskets];
	if (!parse_line(b, s, n, sep))
		return err_set(e, E_TOOBIG, "%s:%zu: more than %u distinct items", name, line_no,
			       MAX_IDS);
	b->n_baskets++;
	return E_OK;
}

static void hold(held *h, const char *s, size_t n, size_t line_no)
{
	h->text = xgrow(h->text, &h->cap, h->len + n, 1);
	memcpy(h->text + h->len, s, n);
	h->len += n;
	h->lines = xgrow(h->lines, &h->lines_cap, h->n + 1, sizeof(held_line));
	h->lines[h->n++] = (held_line){ h->len, line_no };
}

/* Adds the held lines as baskets, now that the separator is known. */
static status release_held(held *h, baskets *b, baskets_sep sep, const char *name, err *e)
{
	size_t start = 0;
	status rc = E_OK;

	for (size_t i = 0; i < h->n && !rc; i++) {
		rc = add_line(b, h->text + start, h->lines[i].end - start, sep, name,
			      h->lines[i].line_no, e);
		start = h->lines[i].end;
	}
	free(h->text);
	free(h->lines);
	memset(h, 0, sizeof(*h));
	return rc;
}

status baskets_read_stream(FILE *f, const char *name, const baskets_opts *opts, baskets *b, err *e)
{
	baskets_opts dflt = { BASKETS_AUTO, false, 0 };
	size_t max_line, line_no = 0, cap = 0;
	held h = { 0 };
	baskets_sep sep;
	char *line = NULL;
	ssize_t got;
	status rc = E_OK;

	baskets_init(b);
	if (!opts)
		opts = &dflt;
	sep = opts->sep;
	max_line = opts->max_line ? opts->max_line : 16u << 20;
	if (max_line > UINT32_MAX)
		max_line = UINT32_MAX; /* name lengths are kept in 32 bits */
	while ((got = getline(&line, &cap, f)) >= 0) {
		size_t n = (size_t)got, i;
		char *s = line;

		line_no++;
		if (n > max_line) {
			rc = err_set(e, E_TOOBIG, "%s:%zu: line longer than %zu bytes", name,
				     line_no, max_line);
			goto out;
		}
		if (line_no == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			n -= 3;
		}
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		for (i = 0; i < n && is_blank(s[i]); i++)
			;
		if (i == n && opts->skip_blank)
			continue;
		if (sep != BASKETS_AUTO) {
			if ((rc = add_line(b, s, n, sep, name, line_no, e)))
				goto out;
			continue;
		}
		hold(&h, s, n, line_no);
		h.nonblank += i < n;
		if (memchr(s, ',', n))
			sep = BASKETS_COMMA;
		else if (h.nonblank >= AUTO_LINES || h.len >= AUTO_BYTES)
			sep = BASKETS_SPACE;
		if (sep != BASKETS_AUTO && (rc = release_held(&h, b, sep, name, e)))
			goto out;
	}
	if (ferror(f)) {
		rc = err_set(e, E_IO, "%s: read failed after line %zu: %s", name, line_no,
			     strerror(errno));
		goto out;
	}
	if (h.n)
		rc = release_held(&h, b, BASKETS_SPACE, name, e);
out:
	free(h.text);
	free(h.lines);
	free(line);
	return rc;
}

status baskets_read(const char *path, const baskets_opts *opts, baskets *b, err *e)
{
	FILE *f = fopen(path, "r");
	status rc;

	if (!f) {
		baskets_init(b);
		return err_set(e, errno == ENOENT ? E_NOTFOUND : E_IO, "cannot open %s: %s", path,
			       strerror(errno));
	}
	rc = baskets_read_stream(f, path, opts, b, e);
	fclose(f);
	return rc;
}
