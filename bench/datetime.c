/* datetime.c: speed of datetime_parse per layout (and of formatting), over
 * 4,096 distinct timestamps per layout so branch prediction cannot memorise
 * one string. Prints a table; asserts nothing about time.
 * Usage: bench_datetime [calls per layout, default 2000000] */
#include "core/common.h"
#include "core/datetime.h"

#include <time.h>

#define VARIANTS 4096

typedef struct {
	const char *name;
	date_order order;
	char text[VARIANTS][40];
	size_t len[VARIANTS];
} layout_set;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Fills `set` with `fmt` applied to spread-out times in 2010..2026. */
static void fill(layout_set *set, int kind)
{
	for (int i = 0; i < VARIANTS; i++) {
		int64_t t = 1262304000 + (int64_t)i * 123457; /* from 2010-01-01 */
		int64_t days = t / 86400;
		int secs = (int)(t % 86400), y, m, d;
		char *b = set->text[i];
		size_t n = sizeof(set->text[i]);

		civil_from_days(days, &y, &m, &d);
		switch (kind) {
		case 0:
			snprintf(b, n, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, secs / 3600,
				 secs / 60 % 60, secs % 60);
			break;
		case 1:
			snprintf(b, n, "%04d-%02d-%02dT%02d:%02d:%02d.123+04:00", y, m, d,
				 secs / 3600, secs / 60 % 60, secs % 60);
			break;
		case 2:
			snprintf(b, n, "%04d-%02d-%02d %02d:%02d:%02d +0400", y, m, d, secs / 3600,
				 secs / 60 % 60, secs % 60);
			break;
		case 3:
			snprintf(b, n, "%d/%d/%d %d:%02d", m, d, y, secs / 3600, secs / 60 % 60);
			break;
		case 4:
			snprintf(b, n, "%02d.%02d.%04d %02d:%02d:%02d", d, m, y, secs / 3600,
				 secs / 60 % 60, secs % 60);
			break;
		case 5:
			snprintf(b, n, "%04d%02d%02d", y, m, d);
			break;
		default:
			snprintf(b, n, "%" PRId64, t);
			break;
		}
		set->len[i] = strlen(b);
	}
}

int main(int argc, char **argv)
{
	static layout_set sets[] = {
		{"2011-12-09 12:50:00", DATE_MDY},
		{"2026-04-05T21:06:21.123+04:00", DATE_MDY},
		{"2026-04-05 21:06:21 +0400 (Shopify)", DATE_MDY},
		{"12/1/2010 8:26 (US)", DATE_MDY},
		{"05.04.2026 21:06:21 (DMY)", DATE_DMY},
		{"19970101 (CDNOW)", DATE_MDY},
		{"1775408781 (epoch)", DATE_MDY},
	};
	long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	int64_t sink = 0;
	char buf[32];
	double t0, ns;
	err e;

	if (calls < VARIANTS)
		calls = VARIANTS;
	printf("%-38s %10s %8s\n", "layout", "calls", "ns/call");
	for (size_t k = 0; k < ARRAY_SIZE(sets); k++) {
		layout_set *set = &sets[k];

		fill(set, (int)k);
		t0 = now_ns();
		for (long i = 0; i < calls; i++) {
			int64_t t;
			int j = (int)(i & (VARIANTS - 1));
			if (datetime_parse(set->text[j], set->len[j], set->order, &t, &e)) {
				fprintf(stderr, "bench: %s\n", e.msg);
				return 1;
			}
			sink += t;
		}
		ns = (now_ns() - t0) / (double)calls;
		printf("%-38s %10ld %8.1f\n", set->name, calls, ns);
	}
	t0 = now_ns();
	for (long i = 0; i < calls; i++) {
		datetime_format_iso(1262304000 + (int64_t)i * 123, buf, sizeof(buf));
		sink += buf[18];
	}
	ns = (now_ns() - t0) / (double)calls;
	printf("%-38s %10ld %8.1f\n", "datetime_format_iso", calls, ns);
	printf("(checksum %" PRId64 ")\n", sink);
	return 0;
}
