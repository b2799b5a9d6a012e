/* strmap.c: string -> int64 hash map, linear probing, FNV-1a hashing. */
#include "core/strmap.h"
#include "core/xalloc.h"

void strmap_init(strmap *m, size_t limit)
{
	memset(m, 0, sizeof(*m));
	m->limit = limit;
}

void strmap_clear(strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		m->keys[i] = NULL;
	}
	m->count = 0;
}

void strmap_release(strmap *m)
{
	strmap_clear(m);
	free(m->keys);
	free(m->values);
	strmap_init(m, m->limit);
}

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot holding `key`, or the empty slot where it would go. */
static size_t find(const strmap *m, const char *key, size_t n)
{
	size_t mask = m->cap - 1, i = (size_t)hash(key, n) & mask;

	while (m->keys[i] && !(strlen(m->keys[i]) == n && memcmp(m->keys[i], key, n) == 0))
		i = (i + 1) & mask;
	return i;
}

static void grow(strmap *m)
{
	char **old_keys = m->keys;
	int64_t *old_values = m->values;
	size_t old_cap = m->cap;

	m->cap = old_cap ? old_cap * 2 : 64;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->values = xcalloc(m->cap, sizeof(*m->values));
	for (size_t i = 0; i < old_cap; i++) {
		if (old_keys[i]) {
			size_t j = find(m, old_keys[i], strlen(old_keys[i]));
			m->keys[j] = old_keys[i];
			m->values[j] = old_values[i];
		}
	}
	free(old_keys);
	free(old_values);
}

bool strmap_get(const strmap *m, const char *key, size_t n, int64_t *value)
{
	size_t i;

	if (!m->count)
		return false;
	i = find(m, key, n);
	if (!m->keys[i])
		return false;
	*value = m->values[i];
	return true;
}

void strmap_put(strmap *m, const char *key, size_t n, int64_t value)
{
	size_t i;

	if (m->limit && m->count >= m->limit)
		strmap_clear(m);
	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	i = find(m, key, n);
	if (!m->keys[i]) {
		m->keys[i] = xstrndup(key, n);
		m->count++;
	}
	m->values[i] = value;
}

int64_t strmap_add(strmap *m, const char *key, size_t n, int64_t delta)
{
	int64_t v = 0;

	strmap_get(m, key, n, &v);
	strmap_put(m, key, n, v + delta);
	return v + delta;
}
