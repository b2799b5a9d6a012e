/* rules.c: association rules from frequent itemsets (see rules.h). Subsets
 * are found through a hash of the sorted item lists. */
#include "analytics/rules.h"
#include "core/xalloc.h"

#define NONE	  UINT32_MAX
#define MAX_MULTI 24 /* items in an itemset split every way */

typedef struct {
	const fpgrowth_itemsets *s;
	uint32_t *slots; /* itemset index + 1, 0 when empty */
	size_t mask;
} set_index;

static uint64_t items_hash(const uint32_t *v, uint32_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;

	for (uint32_t i = 0; i < n; i++) {
		h ^= v[i];
		h *= 0x100000001b3u;
		h ^= h >> 29;
	}
	return h;
}

static void index_build(set_index *ix, const fpgrowth_itemsets *s)
{
	size_t n = 16;

	while (n < 2 * s->n)
		n *= 2;
	ix->s = s;
	ix->slots = xcalloc(n, sizeof(uint32_t));
	ix->mask = n - 1;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t len;
		const uint32_t *v = fpgrowth_itemset(s, i, &len);
		size_t j = items_hash(v, len) & ix->mask;
		while (ix->slots[j])
			j = (j + 1) & ix->mask;
		ix->slots[j] = (uint32_t)i + 1;
	}
}

/* The index of the itemset v[0 .. n) (ascending), or NONE. */
static uint32_t index_find(const set_index *ix, const uint32_t *v, uint32_t n)
{
	size_t j = items_hash(v, n) & ix->mask;

	for (; ix->slots[j]; j = (j + 1) & ix->mask) {
		uint32_t i = ix->slots[j] - 1, len;
		const uint32_t *w = fpgrowth_itemset(ix->s, i, &len);
		if (len == n && memcmp(v, w, n * sizeof(uint32_t)) == 0)
			return i;
	}
	return NONE;
}

typedef struct {
	const rules_params *p;
	const fpgrowth_itemsets *s;
	set_index ix;
	double n_baskets;
	rules_set *out;
	err *e;
} gen;

/* Adds X => Y (X = RULES_EMPTY for {}) of itemset `i` when confident. */
static status consider(gen *g, uint32_t i, uint32_t x, uint32_t y)
{
	const fpgrowth_itemsets *s = g->s;
	double ci = s->counts[i], cx = x == RULES_EMPTY ? g->n_baskets : s->counts[x];
	double conf = ci / cx;
	rules_rule *r;

	if (conf < g->p->min_confidence)
		return E_OK;
	if (g->p->max_rules && g->out->n >= g->p->max_rules)
		return err_set(g->e, E_TOOBIG,
			       "more than %zu rules: raise the minimum confidence or support",
			       g->p->max_rules);
	g->out->v = xgrow(g->out->v, &g->out->cap, g->out->n + 1, sizeof(rules_rule));
	r = &g->out->v[g->out->n++];
	r->antecedent = x;
	r->consequent = y;
	r->itemset = i;
	r->len = (uint32_t)(s->offsets[i + 1] - s->offsets[i]);
	r->support = ci / g->n_baskets;
	r->confidence = conf;
	r->lift = ci * g->n_baskets / (cx * (double)s->counts[y]);
	return E_OK;
}

static status missing(gen *g, uint32_t i)
{
	return err_set(g->e, E_INVAL,
		       "itemset %" PRIu32 " has a subset that is not among the itemsets: "
		       "rules need every subset of a frequent itemset",
		       i);
}

/* Rules with one item in the consequent (arules' default). */
static status single_consequent(gen *g, uint32_t i, uint32_t *tmp)
{
	uint32_t len;
	const uint32_t *v = fpgrowth_itemset(g->s, i, &len);
	status rc;

	if (len == 1)
		return g->p->no_empty_antecedent ? E_OK : consider(g, i, RULES_EMPTY, i);
	for (uint32_t j = 0; j < len; j++) {
		uint32_t n = 0, x, y;
		for (uint32_t t = 0; t < len; t++) {
			if (t != j)
				tmp[n++] = v[t];
		}
		x = index_find(&g->ix, tmp, n);
		y = index_find(&g->ix, &v[j], 1);
		if (x == NONE || y == NONE)
			return missing(g, i);
		if ((rc = consider(g, i, x, y)))
			return rc;
	}
	return E_OK;
}

/* Rules for every split of the itemset into X and a non-empty Y. */
static status multi_consequent(gen *g, uint32_t i, uint32_t *tmp)
{
	uint32_t len, full;
	const uint32_t *v = fpgrowth_itemset(g->s, i, &len);
	status rc;

	if (len > MAX_MULTI)
		return err_set(g->e, E_TOOBIG,
			       "an itemset of %" PRIu32 " items is too long to split every way "
			       "(at most %d): lower the maximum itemset length",
			       len, MAX_MULTI);
	full = (1u << len) - 1;
	for (uint32_t mask = 1; mask <= full; mask++) {
		uint32_t nx = 0, ny = 0, x, y;
		uint32_t *xs = tmp, *ys = tmp + len;

		if (mask == full && g->p->no_empty_antecedent)
			continue;
		for (uint32_t t = 0; t < len; t++) {
			if (mask & (1u << t))
				ys[ny++] = v[t];
			else
				xs[nx++] = v[t];
		}
		x = nx ? index_find(&g->ix, xs, nx) : RULES_EMPTY;
		y = ny == len ? i : index_find(&g->ix, ys, ny);
		if ((nx && x == NONE) || y == NONE) /* RULES_EMPTY is NONE too */
			return missing(g, i);
		if ((rc = consider(g, i, x, y)))
			return rc;
	}
	return E_OK;
}

status rules_generate(const fpgrowth_itemsets *s, size_t n_baskets, const rules_params *p,
		      rules_set *out, err *e)
{
	gen g = { .p = p, .s = s, .n_baskets = (double)n_baskets, .out = out, .e = e };
	uint32_t *tmp = xmalloc(2 * ((size_t)s->max_len + 1) * sizeof(uint32_t));
	status rc = E_OK;

	memset(out, 0, sizeof(*out));
	if (s->n >= NONE) {
		rc = err_set(e, E_TOOBIG, "%zu itemsets: at most %u are supported", s->n, NONE - 1);
		goto out;
	}
	index_build(&g.ix, s);
	for (uint32_t i = 0; i < s->n && !rc; i++) {
		uint32_t len = (uint32_t)(s->offsets[i + 1] - s->offsets[i]);
		if (len == 0 || len < p->min_len)
			continue;
		rc = p->multi_consequent ? multi_consequent(&g, i, tmp)
					 : single_consequent(&g, i, tmp);
	}
	free(g.ix.slots);
out:
	free(tmp);
	return rc;
}

/* Compares itemsets a and b (ascending ids) lexicographically. */
static int cmp_sets(const fpgrowth_itemsets *s, uint32_t a, uint32_t b)
{
	uint32_t la, lb;
	const uint32_t *va = fpgrowth_itemset(s, a, &la), *vb = fpgrowth_itemset(s, b, &lb);

	for (uint32_t i = 0; i < la && i < lb; i++) {
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	}
	return (la > lb) - (la < lb);
}

/* What the rule order looks at, the item lists reduced to their ranks. */
typedef struct {
	const fpgrowth_itemsets *s;
	const uint32_t *lex; /* per itemset: its rank in lexicographic order */
} order;

static int cmp_rule(const order *o, const rules_rule *x, const rules_rule *y)
{
	uint32_t ax, ay;

	if (x->lift != y->lift)
		return x->lift > y->lift ? -1 : 1;
	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	if (x->support != y->support)
		return x->support > y->support ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* The empty antecedent sorts first. */
	ax = x->antecedent == RULES_EMPTY ? 0 : o->lex[x->antecedent] + 1;
	ay = y->antecedent == RULES_EMPTY ? 0 : o->lex[y->antecedent] + 1;
	if (ax != ay)
		return ax < ay ? -1 : 1;
	ax = o->lex[x->consequent];
	ay = o->lex[y->consequent];
	return (ax > ay) - (ax < ay);
}

/* Bottom-up merge sorts, stable, O(n log n) with n elements of scratch:
 * qsort cannot hand the itemsets to a comparator (qsort_r is not ISO C). */
#define MERGE_SORT(NAME, T, CTX, LESS)                                                             \
	static void NAME(T *v, size_t n, CTX ctx)                                                  \
	{                                                                                          \
		T *a = v, *b, *t;                                                                  \
		if (n < 2)                                                                         \
			return;                                                                    \
		b = xmalloc(n * sizeof(T));                                                        \
		for (size_t w = 1; w < n; w *= 2) {                                                \
			for (size_t lo = 0; lo < n; lo += 2 * w) {                                 \
				size_t mid = lo + w < n ? lo + w : n;                              \
				size_t hi = lo + 2 * w < n ? lo + 2 * w : n;                       \
				size_t i = lo, j = mid, k = lo;                                    \
				while (i < mid && j < hi)                                          \
					b[k++] = LESS(ctx, &a[j], &a[i]) ? a[j++] : a[i++];        \
				while (i < mid)                                                    \
					b[k++] = a[i++];                                           \
				while (j < hi)                                                     \
					b[k++] = a[j++];                                           \
			}                                                                          \
			t = a;                                                                     \
			a = b;                                                                     \
			b = t;                                                                     \
		}                                                                                  \
		if (a != v) {                                                                      \
			memcpy(v, a, n * sizeof(T));                                               \
			b = a;                                                                     \
		}                                                                                  \
		free(b);                                                                           \
	}

#define SET_LESS(s, x, y)  (cmp_sets((s), *(x), *(y)) < 0)
#define RULE_LESS(o, x, y) (cmp_rule((o), (x), (y)) < 0)
MERGE_SORT(sort_sets, uint32_t, const fpgrowth_itemsets *, SET_LESS)
MERGE_SORT(sort_rules, rules_rule, const order *, RULE_LESS)

void rules_sort_by_lift(rules_set *r, const fpgrowth_itemsets *s)
{
	uint32_t *perm, *lex;
	order o = { s, NULL };

	if (r->n < 2)
		return;
	/* Rank the itemsets once, so that ties compare two integers instead of
	 * two item lists scattered in memory. */
	perm = xmalloc(s->n * sizeof(uint32_t));
	lex = xmalloc(s->n * sizeof(uint32_t));
	for (size_t i = 0; i < s->n; i++)
		perm[i] = (uint32_t)i;
	sort_sets(perm, s->n, s);
	for (size_t i = 0; i < s->n; i++)
		lex[perm[i]] = (uint32_t)i;
	free(perm);
	o.lex = lex;
	sort_rules(r->v, r->n, &o);
	free(lex);
}

void rules_count_by_length(const rules_set *r, size_t *by_len, size_t max)
{
	memset(by_len, 0, (max + 1) * sizeof(*by_len));
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].len <= max)
			by_len[r->v[i].len]++;
	}
}

void rules_release(rules_set *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
