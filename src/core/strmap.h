/* strmap.h: a string -> int64 hash map (open addressing) with an optional
 * entry limit: when full it forgets everything and starts again, so a cache
 * in front of the database stays bounded however large the input. */
#ifndef ECRM_STRMAP_H
#define ECRM_STRMAP_H

#include "core/common.h"

typedef struct {
	char **keys;     /* NULL for an empty slot */
	int64_t *values;
	size_t cap;      /* slots, a power of two */
	size_t count;
	size_t limit;    /* 0: no limit */
} strmap;

/* An empty map holding at most `limit` entries (0: unlimited). */
void strmap_init(strmap *m, size_t limit);
void strmap_release(strmap *m);
void strmap_clear(strmap *m);
/* True and *value set when `key` (of `n` bytes) is present. */
bool strmap_get(const strmap *m, const char *key, size_t n, int64_t *value);
/* Inserts or replaces; the key is copied. */
void strmap_put(strmap *m, const char *key, size_t n, int64_t value);
/* Adds `delta` to the value of `key` (0 when absent); returns the new value. */
int64_t strmap_add(strmap *m, const char *key, size_t n, int64_t delta);

#endif
