/* progress.h: a progress bar for long work (imports of 500k rows, analytics)
 * on a stream, usually stderr. On a terminal the line is redrawn in place
 * (at most 10 times a second); on a pipe or file a plain line is written at
 * most every 5 seconds, so logs stay readable. Then one final summary line:
 *     import: 541,909 rows in 2.1 s (258,052/s)
 * The clock and the terminal check can be replaced (progress_init_opts), so
 * tests assert the exact output without sleeping. */
#ifndef ECRM_PROGRESS_H
#define ECRM_PROGRESS_H

#include "core/common.h"

/* Monotonic time in nanoseconds; `ctx` is the opts' clock_ctx. */
typedef int64_t (*progress_clock_fn)(void *ctx);

typedef enum {
	PROGRESS_AUTO,	/* live when `out` is a terminal, plain otherwise */
	PROGRESS_LIVE,	/* redrawn with \r, ~10 times a second */
	PROGRESS_PLAIN, /* a line every 5 seconds */
} progress_mode;

/* Optional settings; a zeroed struct means the defaults. */
typedef struct {
	const char *unit;	 /* plural unit name; NULL: "rows". Borrowed. */
	progress_mode mode;	 /* PROGRESS_AUTO by default */
	progress_clock_fn clock; /* NULL: CLOCK_MONOTONIC */
	void *clock_ctx;
	uint32_t check_every; /* read the clock every N updates; 0: adapt so that
				 reads come about every 10-40 ms */
} progress_opts;

/* A plain struct the caller owns; no allocation, nothing to release. The
 * fields are the bar's state: read them if useful, set `unit` after init
 * if you like, leave the rest to the functions. */
typedef struct {
	FILE *out;
	const char *label; /* borrowed */
	const char *unit;  /* borrowed */
	int64_t total;	   /* 0: unknown */
	int64_t done;
	bool enabled;
	bool live;
	bool finished;
	progress_clock_fn clock;
	void *clock_ctx;
	int64_t start_ns;
	int64_t last_print_ns;
	int64_t last_check_ns;
	uint32_t check_every; /* updates between clock reads */
	uint32_t countdown;   /* updates left until the next read */
	bool adaptive;
	int drawn_width; /* width of the live line on screen, 0: none */
} progress;

/* Starts a bar on `out` (usually stderr). total = 0 when unknown. When `enabled` is false, nothing
 * is printed. Live (redrawn with \r, at most ~10 times a second, with percent, count, rate and ETA)
 * when `out` is a terminal; otherwise a plain line at most every 5 seconds (and at the end). */
void progress_init(progress *p, FILE *out, const char *label, int64_t total, bool enabled);

/* progress_init with settings: unit name, forced mode, a replacement clock
 * and a fixed clock-reading interval (`opts` may be NULL). */
void progress_init_opts(progress *p, FILE *out, const char *label, int64_t total, bool enabled,
			const progress_opts *opts);

/* Reports `done` units so far; cheap enough to call for every row (it reads the clock only every N
 * calls). */
void progress_update(progress *p, int64_t done);

/* Prints the final line: "label: 541,909 rows in 2.1 s (258,052/s)"; when a
 * known total was not reached, "label: 1,000 of 541,909 rows in ...". On a
 * terminal it replaces the live line. A second call prints nothing. */
void progress_finish(progress *p);

#endif
