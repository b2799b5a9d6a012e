/* csv.h: a streaming CSV reader (RFC 4180) that hands over one
 * row at a time with its physical line number, plus a whitespace-separated
 * mode for plain tables such as CDNOW's. Memory is bounded by the longest
 * row, not the file. */
#ifndef ECRM_INGEST_CSV_H
#define ECRM_INGEST_CSV_H

#include "core/common.h"
#include "core/err.h"

typedef struct {
	size_t n;            /* number of fields */
	const char **field;  /* NUL-terminated; valid during the callback only */
	const size_t *len;
	int64_t line;        /* physical line (1-based) where the row starts */
	int64_t index;       /* 0 for the first row (the header), then 1, 2 ... */
	int64_t bytes;       /* bytes of the file consumed so far (progress) */
} csv_row;

/* Called for every non-empty row; a non-OK status stops the read and is
 * returned by csv_read. */
typedef status (*csv_row_fn)(void *user, const csv_row *row, err *e);

typedef struct {
	char delim;        /* field separator; 0: guess from the first line */
	bool whitespace;   /* fields separated by runs of spaces/tabs, no quoting */
	size_t max_field;  /* longest field accepted (0: 1 MiB) */
	int64_t max_rows;  /* stop after this many rows (0: read to the end) */
} csv_options;

/* Reads `path` ("-" for standard input) and calls `fn` for each row.
 * A leading UTF-8 byte-order mark is skipped. */
status csv_read(const char *path, const csv_options *opt, csv_row_fn fn, void *user,
		err *e) MUST_CHECK;

/* Guesses the separator of a header line: the most frequent of , ; TAB |
 * outside quotes (',' when none occurs). */
char csv_guess_delim(const char *line, size_t n);

/* Writes one field, quoted when it needs to be (NULL writes nothing). */
void csv_write_field(FILE *f, const char *v);
/* Writes one CSV record (quoted as needed) of `n` fields and a newline. */
void csv_write_row(FILE *f, size_t n, const char *const *fields);

#endif
