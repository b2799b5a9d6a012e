/* xalloc.h: allocation that never returns NULL; out of memory aborts. */
#ifndef ECRM_XALLOC_H
#define ECRM_XALLOC_H

#include "core/common.h"

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `size` bytes, doubling;
 * `*cap` is updated. Returns the (possibly moved) array. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
