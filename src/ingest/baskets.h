/* baskets.h: reads a baskets file (one basket per line, items separated by
 * commas or by spaces) into dense item ids in CSR layout, for basket
 * analysis. */
#ifndef ECRM_BASKETS_H
#define ECRM_BASKETS_H

#include "core/common.h"
#include "core/arena.h"
#include "core/err.h"

typedef enum {
	BASKETS_AUTO,  /* comma when one of the first 1,000 non-blank lines holds one
			  (they are held back until then), else spaces */
	BASKETS_COMMA, /* "citrus fruit,semi-finished bread": names may hold spaces */
	BASKETS_SPACE, /* "39 48 102" (FIMI): any run of spaces and tabs separates */
} baskets_sep;

typedef struct {
	baskets_sep sep;
	bool skip_blank; /* false (default): a blank line is an empty basket, which
			    counts towards the number of baskets */
	size_t max_line; /* longest line accepted in bytes; 0: 16 MiB */
} baskets_opts;

/* Baskets in CSR layout: basket b holds the ids items[offsets[b] ..
 * offsets[b + 1]) in the order they first appear on its line, each once.
 * Item ids are dense, 0 .. n_items - 1, in order of first appearance in the
 * file; names[id] is the item as written (trimmed of surrounding blanks). */
typedef struct {
	size_t n_baskets;
	uint32_t n_items;
	size_t *offsets; /* n_baskets + 1 entries */
	uint32_t *items;
	char **names;
	/* private */
	size_t baskets_cap, items_cap, names_cap;
	uint32_t *lens;	 /* per item: length of its name */
	uint32_t *seen;	 /* per item: last basket + 1 holding it */
	uint64_t *slots; /* open addressing: name hash << 32 | (id + 1); 0: empty */
	size_t n_slots;	 /* a power of two */
	arena names_arena;
} baskets;

/* Sets up an empty set of baskets. */
void baskets_init(baskets *b);
/* Frees what `b` holds; `b` may be used again after baskets_init. */
void baskets_release(baskets *b);

/* Reads the file at `path` into `b` (set up here; release it also after an
 * error). `opts` may be NULL for the defaults. The file is streamed one line
 * at a time. A final line without a newline is a basket; CR before LF, blanks
 * around items, empty items between commas and a leading UTF-8 byte order
 * mark are ignored. Errors: E_NOTFOUND (no such file), E_IO, E_TOOBIG (a line
 * longer than opts->max_line, or more than 2^32 - 2 items or baskets). */
MUST_CHECK status baskets_read(const char *path, const baskets_opts *opts, baskets *b, err *e);

/* The same from an open stream; `name` is used in error messages. */
MUST_CHECK status baskets_read_stream(FILE *f, const char *name, const baskets_opts *opts,
				      baskets *b, err *e);

/* The id of the item called `name`, or -1 when no basket holds it. */
int64_t baskets_find(const baskets *b, const char *name);

#endif
