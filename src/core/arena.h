/* arena.h: a bump allocator for memory that dies together (one request, one
 * batch of import rows). Allocation never fails (out of memory aborts);
 * arena_clear frees everything at once and keeps the first block. */
#ifndef ECRM_ARENA_H
#define ECRM_ARENA_H

#include "core/common.h"

typedef struct arena_block arena_block;

typedef struct {
	arena_block *head;  /* current block; older blocks chained behind */
	size_t block_size; /* default size of a new block */
	size_t used;       /* bytes handed out since the last clear */
} arena;

/* Sets up an empty arena whose blocks are `block_size` bytes (0: 64 KiB). */
void arena_init(arena *a, size_t block_size);
/* Frees every block. The arena may be used again after arena_init. */
void arena_release(arena *a);
/* Forgets every allocation; keeps one block for reuse. */
void arena_clear(arena *a);

/* `n` bytes aligned for any type; valid until the next clear or release. */
void *arena_alloc(arena *a, size_t n);
void *arena_zalloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
