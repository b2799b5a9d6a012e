/* arena.c: the bump allocator (see arena.h). */
#include "core/arena.h"
#include "core/xalloc.h"

struct arena_block {
	arena_block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	max_align_t data[]; /* aligned start of the usable bytes */
};

#define ALIGN (sizeof(max_align_t))

void arena_init(arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->used = 0;
}

void arena_release(arena *a)
{
	arena_block *b = a->head, *next;

	while (b) {
		next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
}

void arena_clear(arena *a)
{
	arena_block *keep = a->head, *b;

	if (!keep)
		return;
	/* Keep the newest block (the largest in a growing arena). */
	b = keep->next;
	while (b) {
		arena_block *next = b->next;
		free(b);
		b = next;
	}
	keep->next = NULL;
	keep->used = 0;
	a->used = 0;
}

void *arena_alloc(arena *a, size_t n)
{
	arena_block *b = a->head;
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
	void *p;

	if (need < n)
		abort();
	if (!b || b->size - b->used < need) {
		size_t size = need > a->block_size ? need : a->block_size;
		b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	a->used += need;
	return p;
}

void *arena_zalloc(arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	int n;
	char *p;

	va_start(ap, fmt);
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
