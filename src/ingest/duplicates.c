/* duplicates.c: fuzzy duplicate candidates by blocking on postcode and
 * phone: of the whole shop, or of one customer (the same blocks and scores,
 * read through the indexes on the blocking keys). */
#include "ingest/duplicates.h"
#include "core/utf8.h"
#include "core/xalloc.h"

#include <ctype.h>

/* Decodes `s` into lower-cased code points (at most `max`), without
 * spaces: "张 伟" and "张伟", "Maryann" and "Mary Ann" compare equal. */
static size_t code_points(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0, len = strlen(s);

	for (size_t i = 0; i < len && n < max;) {
		uint32_t cp;
		int k = utf8_decode(s + i, len - i, &cp);
		if (k <= 0) {
			cp = (unsigned char)s[i];
			k = 1;
		}
		i += (size_t)k;
		if (cp == ' ' || cp == 0x3000)
			continue;
		out[n++] = cp < 128 ? (uint32_t)tolower((int)cp) : cp;
	}
	return n;
}

double name_similarity(const char *a, const char *b)
{
	uint32_t x[128], y[128];
	bool mx[128] = { false }, my[128] = { false };
	size_t nx, ny, matches = 0, transpositions = 0, k = 0, prefix = 0;
	long window;
	double jaro;

	if (!a || !b)
		return 0;
	nx = code_points(a, x, ARRAY_SIZE(x));
	ny = code_points(b, y, ARRAY_SIZE(y));
	if (!nx || !ny)
		return 0;
	window = (long)(nx > ny ? nx : ny) / 2 - 1;
	if (window < 0)
		window = 0;
	for (size_t i = 0; i < nx; i++) {
		size_t lo = (long)i - window > 0 ? i - (size_t)window : 0;
		size_t hi = i + (size_t)window + 1 < ny ? i + (size_t)window + 1 : ny;
		for (size_t j = lo; j < hi; j++) {
			if (!my[j] && x[i] == y[j]) {
				mx[i] = my[j] = true;
				matches++;
				break;
			}
		}
	}
	if (!matches)
		return 0;
	for (size_t i = 0; i < nx; i++) {
		if (!mx[i])
			continue;
		while (!my[k])
			k++;
		transpositions += x[i] != y[k];
		k++;
	}
	jaro = ((double)matches / (double)nx + (double)matches / (double)ny +
		(double)(matches - transpositions / 2) / (double)matches) /
	       3.0;
	while (prefix < 4 && prefix < nx && prefix < ny && x[prefix] == y[prefix])
		prefix++;
	return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

typedef struct {
	int64_t id;
	char *name;
	char *key; /* the blocking key: "p:" postcode or "t:" the phone's blind index */
} entry;

static int by_key(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

static int by_pair(const void *pa, const void *pb)
{
	const duplicate_pair *a = pa, *b = pb;
	if (a->a != b->a)
		return (a->a > b->a) - (a->a < b->a);
	if (a->b != b->b)
		return (a->b > b->b) - (a->b < b->b);
	return (a->score < b->score) - (a->score > b->score);
}

static int by_score(const void *pa, const void *pb)
{
	const duplicate_pair *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->a != b->a ? (a->a > b->a) - (a->a < b->a) : (a->b > b->b) - (a->b < b->b);
}

/* A pair found through both its phone and its postcode becomes one pair
 * with both reasons and the higher score; the pairs are then put best
 * first. Returns how many of them to keep (at most `max`). */
static size_t merge_pairs(duplicate_pair *pairs, size_t np, size_t max)
{
	size_t kept = 0;

	qsort(pairs, np, sizeof(*pairs), by_pair);
	for (size_t i = 0; i < np; i++) {
		if (kept && pairs[kept - 1].a == pairs[i].a && pairs[kept - 1].b == pairs[i].b) {
			pairs[kept - 1].same_phone |= pairs[i].same_phone;
			pairs[kept - 1].same_postcode |= pairs[i].same_postcode;
			continue;
		}
		pairs[kept++] = pairs[i];
	}
	qsort(pairs, kept, sizeof(*pairs), by_score);
	return kept < max ? kept : max;
}

/* Postcodes compare without spaces and case: "sw1a 1aa" is "SW1A1AA". */
static char *postcode_key(const char *p)
{
	char *k = xmalloc(strlen(p) + 3), *o = k;
	*o++ = 'p';
	*o++ = ':';
	for (; *p; p++) {
		if (!isspace((unsigned char)*p))
			*o++ = (char)toupper((unsigned char)*p);
	}
	*o = '\0';
	return k;
}

/* Blocks bigger than this (a shared office postcode) are skipped: their
 * pairs are too many to be useful candidates. */
#define MAX_BLOCK 200

/* Scores names `x` and `y` met in a phone block (`phone`) or a postcode
 * block; false when the pair is not a candidate at `min_score`. */
static bool score_pair(const char *x, const char *y, bool phone, double min_score, double *score,
		       double *sim)
{
	*sim = name_similarity(x, y);
	/* Same phone: a weaker name match is enough. */
	*score = phone ? 0.35 + 0.65 * *sim : 0.2 + 0.8 * *sim;
	return *score >= min_score && (phone || *sim >= 0.8);
}

status duplicates_find(store *st, double min_score, size_t max, duplicate_pair **out, size_t *n,
		       err *e)
{
	static const char *const sql =
		"SELECT id, name, postcode, phone_bidx FROM customers WHERE merged_into IS NULL AND "
		"name <> '' AND (postcode IS NOT NULL OR phone_bidx IS NOT NULL)";
	entry *v = NULL;
	size_t nv = 0, cap = 0, np = 0, capp = 0;
	duplicate_pair *pairs = NULL;
	status rc;
	stmt *s;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	while (stmt_row(s, e)) {
		const char *name = stmt_text(s, 1), *pc = stmt_text(s, 2), *ph = stmt_text(s, 3);
		if (pc && *pc) {
			v = xgrow(v, &cap, nv + 1, sizeof(*v));
			v[nv++] = (entry){ stmt_int64(s, 0), xstrdup(name), postcode_key(pc) };
		}
		if (ph && *ph) {
			char *k = xmalloc(strlen(ph) + 3);
			snprintf(k, strlen(ph) + 3, "t:%s", ph);
			v = xgrow(v, &cap, nv + 1, sizeof(*v));
			v[nv++] = (entry){ stmt_int64(s, 0), xstrdup(name), k };
		}
	}
	rc = e->code;
	stmt_done(s);
	if (rc)
		goto out;
	if (nv == 0) /* qsort(NULL, 0) is undefined behaviour */
		goto out;
	qsort(v, nv, sizeof(*v), by_key);
	for (size_t i = 0; i < nv;) {
		size_t j = i;
		while (j < nv && strcmp(v[j].key, v[i].key) == 0)
			j++;
		bool phone = v[i].key[0] == 't';
		for (size_t x = i; j - i <= MAX_BLOCK && x < j; x++) {
			for (size_t y = x + 1; y < j; y++) {
				double sim, score;
				if (!score_pair(v[x].name, v[y].name, phone, min_score, &score,
						&sim))
					continue;
				pairs = xgrow(pairs, &capp, np + 1, sizeof(*pairs));
				pairs[np++] = (duplicate_pair){ v[x].id, v[y].id, score, sim, phone,
								!phone };
			}
		}
		i = j;
	}
	if (np == 0)
		goto out;
	*n = merge_pairs(pairs, np, max);
	*out = pairs;
	pairs = NULL;
out:
	for (size_t i = 0; i < nv; i++) {
		free(v[i].name);
		free(v[i].key);
	}
	free(v);
	free(pairs);
	return rc;
}

/* Adds the candidates of customer `id` (named `name`) in one block: the
 * other live customers `sql` finds for `key`. A block of more than
 * MAX_BLOCK customers is skipped, as duplicates_find skips it. */
static status block_of(store *st, const char *sql, const char *key, int64_t id, const char *name,
		       bool phone, double min_score, duplicate_pair **pairs, size_t *np,
		       size_t *cap, err *e)
{
	duplicate_pair *found = NULL;
	size_t nf = 0, capf = 0, others = 0;
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_text(s, 1, key);
	stmt_bind_int64(s, 2, id);
	stmt_bind_int64(s, 3, MAX_BLOCK);
	while (stmt_row(s, e)) {
		int64_t other = stmt_int64(s, 0);
		double score, sim;
		others++;
		if (!score_pair(name, stmt_text(s, 1), phone, min_score, &score, &sim))
			continue;
		found = xgrow(found, &capf, nf + 1, sizeof(*found));
		found[nf++] = (duplicate_pair){ id < other ? id : other, id < other ? other : id,
						score, sim, phone, !phone };
	}
	rc = e->code;
	stmt_done(s);
	/* MAX_BLOCK others and this customer: too big a block. */
	if (!rc && others < MAX_BLOCK) {
		for (size_t i = 0; i < nf; i++) {
			*pairs = xgrow(*pairs, cap, *np + 1, sizeof(**pairs));
			(*pairs)[(*np)++] = found[i];
		}
	}
	free(found);
	return rc;
}

status duplicates_of(store *st, int64_t id, double min_score, size_t max, duplicate_pair **out,
		     size_t *n, err *e)
{
	static const char *const self_sql =
		"SELECT name, postcode, phone_bidx, merged_into FROM customers WHERE id = $1";
	/* The blocks as duplicates_find makes them: live, named customers
	 * with the same phone (blind index) or postcode (upper case, no
	 * spaces: migration 011 indexes that expression). */
	static const char *const phone_sql =
		"SELECT id, name FROM customers WHERE phone_bidx = $1 AND id <> $2"
		" AND merged_into IS NULL AND name <> '' ORDER BY id LIMIT $3";
	static const char *const postcode_sql =
		"SELECT id, name FROM customers WHERE upper(replace(postcode, ' ', '')) = $1"
		" AND postcode IS NOT NULL AND id <> $2 AND merged_into IS NULL AND name <> ''"
		" ORDER BY id LIMIT $3";
	duplicate_pair *pairs = NULL;
	size_t np = 0, cap = 0;
	char *name = NULL, *pc = NULL, *ph = NULL;
	bool live = false;
	status rc;
	stmt *s;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(st, self_sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e)) {
		const char *t;
		name = xstrdup((t = stmt_text(s, 0)) ? t : "");
		pc = (t = stmt_text(s, 1)) && *t ? postcode_key(t) : NULL;
		ph = (t = stmt_text(s, 2)) && *t ? xstrdup(t) : NULL;
		live = stmt_null(s, 3);
	} else if (!e->code) {
		err_set(e, E_NOTFOUND, "no customer %" PRId64, id);
	}
	rc = e->code;
	stmt_done(s);
	/* A merged or unnamed customer is in no block. */
	if (rc || !live || !*name)
		goto out;
	if (ph && (rc = block_of(st, phone_sql, ph, id, name, true, min_score, &pairs, &np, &cap,
				 e)))
		goto out;
	if (pc && (rc = block_of(st, postcode_sql, pc + 2, id, name, false, min_score, &pairs,
				 &np, &cap, e)))
		goto out;
	if (np == 0)
		goto out;
	/* One pair per other customer. */
	*n = merge_pairs(pairs, np, max);
	*out = pairs;
	pairs = NULL;
out:
	free(pairs);
	free(name);
	free(pc);
	free(ph);
	return rc;
}
