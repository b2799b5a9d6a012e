/* fpgrowth.c: FP-growth frequent itemset mining (see fpgrowth.h).
 *
 * Items are renumbered by descending frequency (rank 0 is the most frequent),
 * so shared prefixes near the root are long and trees small. The baskets, as
 * sorted rank strings, are sorted lexicographically and equal ones merged
 * with a weight; the initial tree is then built without any child search.
 *
 * A tree is an array of small nodes (item, count, parent, scratch) plus the
 * header lists; node 0 is the root and doubles as the list terminator. The
 * conditional tree of item x is projected straight from x's header list: one
 * upward walk per x-node that stops at the first ancestor already reached
 * yields every ancestor once, parents before children; a backward pass sums
 * the x-counts below each ancestor (the conditional item counts), and a
 * forward pass copies the ancestors whose items stay frequent, merging equal
 * children. A tree that is a single path yields all combinations of its
 * nodes without recursion.
 *
 * On sparse data (retail baskets) the initial tree hardly compresses and its
 * first-level projections wander over a large tree, a cache miss per node.
 * There the first level reads each item's conditional pattern base from the
 * sorted baskets instead (the prefixes before the item in the baskets that
 * hold it), which is the same set of weighted paths; conditional trees and
 * everything below them are the same. */
#include "analytics/fpgrowth.h"
#include "core/xalloc.h"

#include <float.h>
#include <math.h>

#define NONE	  UINT32_MAX /* no item, no node */
#define UNVISITED UINT32_MAX /* node.aux outside a projection */
#define MAX_NODES (UINT32_MAX - 1)

typedef struct {
	uint32_t item, count, parent;
	/* UNVISITED, except while projecting from this tree: first the count
	 * of the projected item below the node, then the node's image. */
	uint32_t aux;
} node;

typedef struct {
	node *nodes;	/* node 0 is the root */
	uint32_t *next; /* per node: the next node of the same item, 0 at the end */
	uint32_t n_nodes;
	size_t node_cap;
	uint32_t *head;	  /* per local item: its first node, 0 when none */
	uint32_t *hcount; /* per local item: baskets holding it here */
	uint32_t *gitem;  /* per local item: the caller's item id */
	uint32_t k;	  /* local items; they keep the order of the parent tree */
	size_t item_cap;
	bool single; /* every node has at most one child */
} tree;

/* One distinct basket as a string of ascending ranks, and how many baskets
 * hold exactly it. */
typedef struct {
	const uint32_t *p;
	uint32_t n, w;
} txref;

typedef struct {
	uint32_t min_count;
	uint32_t max_len; /* UINT32_MAX when unlimited */
	size_t max_itemsets;
	tree *trees; /* one per recursion depth */
	uint32_t n_trees;
	/* Scratch shared by all depths: a conditional tree is complete before
	 * the recursion into it starts. */
	uint32_t *list;		   /* per node of the tree projected from */
	uint32_t *child, *sibling; /* per node of the tree being built */
	size_t list_cap, link_cap;
	uint32_t *stack;		     /* per item: a path holds each once */
	uint32_t *freq, *newloc, *rootchild; /* per item */
	uint32_t *suffix;		     /* the items of the itemset being extended */
	fpgrowth_itemsets *out;
	status rc;
	err *e;
} miner;

typedef struct {
	uint32_t freq, id;
} item_freq;

uint32_t fpgrowth_min_count(double support, size_t n_baskets)
{
	double x = support * (double)n_baskets;
	double c;

	if (!(x > 0))
		return 1;
	if (x >= (double)UINT32_MAX)
		return UINT32_MAX;
	/* The product and the decimal fraction's binary form are each off by at
	 * most half a unit in the last place: a product that close above an
	 * integer is that integer. 4 ulps is ample, and far below any real
	 * fraction of a basket (1e-6 at 4e9 baskets for six-decimal supports). */
	c = ceil(x - x * (4 * DBL_EPSILON));
	return c < 1 ? 1 : (uint32_t)c;
}

void fpgrowth_itemsets_release(fpgrowth_itemsets *s)
{
	free(s->offsets);
	free(s->items);
	free(s->counts);
	memset(s, 0, sizeof(*s));
}

void fpgrowth_count_by_size(const fpgrowth_itemsets *s, size_t *by_size, size_t max)
{
	memset(by_size, 0, (max + 1) * sizeof(*by_size));
	for (size_t i = 0; i < s->n; i++) {
		size_t len = s->offsets[i + 1] - s->offsets[i];
		if (len <= max)
			by_size[len]++;
	}
}

static void tree_reserve(tree *t, size_t nodes, size_t items)
{
	if (nodes > t->node_cap) {
		size_t cap = t->node_cap;
		t->nodes = xgrow(t->nodes, &cap, nodes, sizeof(node));
		cap = t->node_cap;
		t->next = xgrow(t->next, &cap, nodes, sizeof(uint32_t));
		t->node_cap = cap;
	}
	if (items > t->item_cap) {
		size_t cap = t->item_cap;
		t->head = xgrow(t->head, &cap, items, sizeof(uint32_t));
		cap = t->item_cap;
		t->hcount = xgrow(t->hcount, &cap, items, sizeof(uint32_t));
		cap = t->item_cap;
		t->gitem = xgrow(t->gitem, &cap, items, sizeof(uint32_t));
		t->item_cap = cap;
	}
}

static void tree_release(tree *t)
{
	free(t->nodes);
	free(t->next);
	free(t->head);
	free(t->hcount);
	free(t->gitem);
}

/* Starts `t` as a bare root over `k` local items. */
static void tree_reset(tree *t, uint32_t k)
{
	tree_reserve(t, 1, k);
	t->n_nodes = 1;
	t->nodes[0] = (node){ NONE, 0, 0, 0 };
	t->next[0] = 0;
	t->k = k;
	t->single = true;
	memset(t->head, 0, k * sizeof(uint32_t));
}

static uint32_t tree_add(tree *t, uint32_t parent, uint32_t item, uint32_t count)
{
	uint32_t n = t->n_nodes++;

	t->nodes[n] = (node){ item, count, parent, UNVISITED };
	t->next[n] = t->head[item];
	t->head[item] = n;
	return n;
}

/* Appends the itemset suffix[0 .. len) with `count` to the output, sorted. */
static void emit(miner *m, uint32_t len, uint32_t count)
{
	fpgrowth_itemsets *o = m->out;
	size_t base = o->offsets[o->n];
	uint32_t *dst;

	if (m->max_itemsets && o->n >= m->max_itemsets) {
		m->rc = err_set(m->e, E_TOOBIG,
				"more than %zu frequent itemsets: raise the minimum support "
				"or lower the maximum itemset length",
				m->max_itemsets);
		return;
	}
	if (o->n + 2 > o->cap) {
		size_t cap = o->cap;
		o->offsets = xgrow(o->offsets, &cap, o->n + 2, sizeof(size_t));
		cap = o->cap;
		o->counts = xgrow(o->counts, &cap, o->n + 2, sizeof(uint32_t));
		o->cap = cap;
	}
	o->items = xgrow(o->items, &o->items_cap, base + len, sizeof(uint32_t));
	dst = o->items + base;
	for (uint32_t i = 0; i < len; i++) {
		uint32_t v = m->suffix[i], j = i;
		while (j > 0 && dst[j - 1] > v) {
			dst[j] = dst[j - 1];
			j--;
		}
		dst[j] = v;
	}
	o->counts[o->n] = count;
	o->offsets[++o->n] = base + len;
	if (len > o->max_len)
		o->max_len = len;
}

/* Emits suffix[0 .. d) extended by every non-empty subset of the path nodes
 * 1 .. limit - 1 of the single-path tree `t`. A subset occurs as often as its
 * deepest node; `count` is that node's count once chosen (0 before). */
static void mine_path(miner *m, const tree *t, uint32_t d, uint32_t limit, uint32_t count)
{
	for (uint32_t i = limit; i-- > 1 && !m->rc;) {
		uint32_t c = count ? count : t->nodes[i].count;
		m->suffix[d] = t->gitem[t->nodes[i].item];
		emit(m, d + 1, c);
		if (d + 2 <= m->max_len)
			mine_path(m, t, d + 1, i, c);
	}
}

static void links_reserve(miner *m, size_t nodes)
{
	if (nodes > m->link_cap) {
		size_t cap = m->link_cap;
		m->child = xgrow(m->child, &cap, nodes, sizeof(uint32_t));
		cap = m->link_cap;
		m->sibling = xgrow(m->sibling, &cap, nodes, sizeof(uint32_t));
		m->link_cap = cap;
	}
}

/* Starts building the conditional tree `nt`, whose k items (gitem, hcount)
 * the caller has set. */
static void build_begin(miner *m, tree *nt, uint32_t k)
{
	tree_reset(nt, k);
	memset(m->rootchild, 0, k * sizeof(uint32_t));
	links_reserve(m, 1);
	m->child[0] = 0;
}

/* The child of `parent` in `t` holding `item`, made when missing. */
static uint32_t child_of(miner *m, tree *t, uint32_t parent, uint32_t item)
{
	uint32_t c;

	if (parent == 0) {
		if ((c = m->rootchild[item]))
			return c;
	} else {
		for (c = m->child[parent]; c; c = m->sibling[c]) {
			if (t->nodes[c].item == item)
				return c;
		}
	}
	if (m->child[parent])
		t->single = false;
	links_reserve(m, (size_t)t->n_nodes + 1);
	tree_reserve(t, (size_t)t->n_nodes + 1, 0);
	c = tree_add(t, parent, item, 0);
	m->child[c] = 0;
	m->sibling[c] = m->child[parent];
	m->child[parent] = c;
	if (parent == 0)
		m->rootchild[item] = c;
	return c;
}

/* Keeps the items y < x of `t` whose conditional count freq[y] reaches the
 * minimum: numbers them in newloc[] and sets them up in `nt`. Returns how
 * many stay. */
static uint32_t keep_frequent(miner *m, const uint32_t *gitem, uint32_t x, tree *nt)
{
	uint32_t k = 0;

	tree_reserve(nt, 1, x);
	for (uint32_t y = 0; y < x; y++) {
		if (m->freq[y] >= m->min_count) {
			m->newloc[y] = k;
			nt->gitem[k] = gitem[y];
			nt->hcount[k] = m->freq[y];
			k++;
		} else {
			m->newloc[y] = NONE;
		}
	}
	return k;
}

/* Builds in `nt` the conditional tree of local item `x` of `t`: the prefix
 * paths of x's nodes, keeping the items that stay frequent with x. Leaves
 * nt->k == 0 when none does. Cost: O(ancestors of x's nodes). */
static void project(miner *m, tree *t, uint32_t x, tree *nt)
{
	node *nd = t->nodes;
	uint32_t nl = 0, k;

	m->list = xgrow(m->list, &m->list_cap, t->n_nodes, sizeof(uint32_t));
	/* Reach every ancestor once, parents listed before children. */
	for (uint32_t n = t->head[x]; n; n = t->next[n]) {
		uint32_t p = nd[n].parent, a = p, sp = 0;

		while (a && nd[a].aux == UNVISITED) {
			m->stack[sp++] = a;
			nd[a].aux = 0;
			a = nd[a].parent;
		}
		while (sp)
			m->list[nl++] = m->stack[--sp];
		if (p)
			nd[p].aux += nd[n].count;
	}
	/* Children before parents: aux becomes the x-count below a node. */
	memset(m->freq, 0, x * sizeof(uint32_t));
	for (uint32_t j = nl; j-- > 0;) {
		node *a = &nd[m->list[j]];
		m->freq[a->item] += a->aux;
		if (a->parent)
			nd[a->parent].aux += a->aux;
	}
	k = keep_frequent(m, t->gitem, x, nt);
	build_begin(m, nt, k);
	if (k) {
		/* Parents before children: a parent's aux holds its image. */
		for (uint32_t j = 0; j < nl; j++) {
			node *a = &nd[m->list[j]];
			uint32_t pc = a->parent ? nd[a->parent].aux : 0;
			uint32_t y = m->newloc[a->item];

			if (y == NONE) {
				a->aux = pc;
			} else {
				uint32_t c = child_of(m, nt, pc, y);
				nt->nodes[c].count += a->aux;
				a->aux = c;
			}
		}
	}
	for (uint32_t j = 0; j < nl; j++)
		nd[m->list[j]].aux = UNVISITED;
}

/* Emits every frequent itemset of the tree at depth `d`, each extended by
 * suffix[0 .. d). */
static void mine(miner *m, uint32_t d)
{
	tree *t = &m->trees[d];

	if (t->single) {
		mine_path(m, t, d, t->n_nodes, 0);
		return;
	}
	for (uint32_t x = t->k; x-- > 0 && !m->rc;) {
		m->suffix[d] = t->gitem[x];
		emit(m, d + 1, t->hcount[x]);
		if (x == 0 || d + 2 > m->max_len || m->rc)
			continue;
		project(m, t, x, &m->trees[d + 1]);
		if (m->trees[d + 1].k)
			mine(m, d + 1);
	}
}

/* How far ahead the first level prefetches baskets: enough to cover a
 * memory latency with the work of the baskets in between. */
#define AHEAD 16

/* The first level from the baskets themselves: for each item x, its
 * conditional pattern base is the prefix before x of every basket holding
 * it. occ[start[x] .. start[x + 1]) lists those baskets in sorted order;
 * basket i begins at data + at[i] and stands for w[i] baskets.
 * Cost: O(sum over baskets of length^2) sequential steps, one cache miss
 * per item occurrence, which prefetching overlaps. */
static void mine_baskets(miner *m, const uint32_t *data, const uint32_t *at, const uint32_t *w,
			 const uint32_t *start, const uint32_t *occ, const uint32_t *byrank,
			 const uint32_t *hcount, uint32_t k)
{
	tree *nt = &m->trees[1];

	for (uint32_t x = k; x-- > 0 && !m->rc;) {
		uint32_t kk, end = start[x + 1];

		m->suffix[0] = byrank[x];
		emit(m, 1, hcount[x]);
		if (x == 0 || m->max_len < 2 || m->rc)
			continue;
		memset(m->freq, 0, x * sizeof(uint32_t));
		for (uint32_t o = start[x]; o < end; o++) {
			const uint32_t *p = data + at[occ[o]], c = w[occ[o]];
			if (o + AHEAD < end) /* a GCC builtin: a hint, no effect on results */
				__builtin_prefetch(data + at[occ[o + AHEAD]]);
			for (uint32_t i = 0; p[i] != x; i++)
				m->freq[p[i]] += c;
		}
		kk = keep_frequent(m, byrank, x, nt);
		if (!kk)
			continue;
		build_begin(m, nt, kk);
		for (uint32_t o = start[x]; o < end; o++) {
			const uint32_t *p = data + at[occ[o]], c = w[occ[o]];
			uint32_t pc = 0;
			for (uint32_t i = 0; p[i] != x; i++) {
				uint32_t y = m->newloc[p[i]];
				if (y != NONE) {
					pc = child_of(m, nt, pc, y);
					nt->nodes[pc].count += c;
				}
			}
		}
		mine(m, 1);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static void sort_ranks(uint32_t *v, uint32_t n)
{
	if (n > 32) {
		qsort(v, n, sizeof(*v), cmp_u32);
		return;
	}
	for (uint32_t i = 1; i < n; i++) {
		uint32_t x = v[i], j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* Compares two rank strings from position d on; a prefix sorts first. */
static int tx_cmp(const txref *x, const txref *y, uint32_t d)
{
	uint32_t n = x->n < y->n ? x->n : y->n;

	for (uint32_t i = d; i < n; i++) {
		if (x->p[i] != y->p[i])
			return x->p[i] < y->p[i] ? -1 : 1;
	}
	return (x->n > y->n) - (x->n < y->n);
}

/* The d-th rank of t plus one, 0 past its end. */
static inline uint32_t tx_key(const txref *t, uint32_t d)
{
	return d < t->n ? t->p[d] + 1 : 0;
}

static inline void tx_swap(txref *a, size_t i, size_t j)
{
	txref t = a[i];
	a[i] = a[j];
	a[j] = t;
}

/* Sorts rank strings lexicographically: multikey quicksort (Bentley and
 * Sedgewick 1997), O(n log n + total length) expected, no comparator calls.
 * All of a[0 .. n) agree on their first d ranks. */
static void tx_sort(txref *a, size_t n, uint32_t d)
{
	while (n > 1) {
		size_t lt = 0, i = 0, gt = n;
		uint32_t v, k0, k1, k2;

		if (n < 12) {
			for (size_t s = 1; s < n; s++) {
				for (size_t j = s; j > 0 && tx_cmp(&a[j - 1], &a[j], d) > 0; j--)
					tx_swap(a, j - 1, j);
			}
			return;
		}
		k0 = tx_key(&a[0], d);
		k1 = tx_key(&a[n / 2], d);
		k2 = tx_key(&a[n - 1], d);
		v = k0 < k1 ? (k1 < k2 ? k1 : (k0 < k2 ? k2 : k0))
			    : (k0 < k2 ? k0 : (k1 < k2 ? k2 : k1));
		while (i < gt) {
			uint32_t key = tx_key(&a[i], d);
			if (key < v)
				tx_swap(a, lt++, i++);
			else if (key > v)
				tx_swap(a, i, --gt);
			else
				i++;
		}
		/* Recurse into the two smaller parts (each at most n / 2, so the
		 * stack stays O(log n) deep) and loop on the largest. */
		size_t nl = lt, ne = v ? gt - lt : 0, ng = n - gt;
		if (nl >= ne && nl >= ng) {
			tx_sort(a + gt, ng, d);
			if (ne)
				tx_sort(a + lt, ne, d + 1);
			n = nl;
		} else if (ng >= ne) {
			tx_sort(a, nl, d);
			if (ne)
				tx_sort(a + lt, ne, d + 1);
			a += gt;
			n = ng;
		} else {
			tx_sort(a, nl, d);
			tx_sort(a + gt, ng, d);
			a += lt;
			n = ne;
			d++;
		}
	}
}

/* Writes each basket's frequent items as ascending ranks into `buf` (`total`
 * entries), sorts the baskets and merges equal ones. Returns how many
 * distinct non-empty baskets `tx` holds. */
static size_t prepare_baskets(const fpgrowth_baskets *b, const uint32_t *rank, uint32_t k,
			      uint32_t *buf, txref *tx)
{
	uint32_t *seen = xcalloc(k, sizeof(uint32_t)), *copy;
	size_t n = 0, at = 0, u = 0;

	for (size_t i = 0; i < b->n_baskets; i++) {
		uint32_t len = 0, *dst = buf + at;
		for (size_t j = b->offsets[i]; j < b->offsets[i + 1]; j++) {
			uint32_t r = rank[b->items[j]];
			if (r != NONE && seen[r] != i + 1) {
				seen[r] = (uint32_t)(i + 1);
				dst[len++] = r;
			}
		}
		if (!len)
			continue;
		sort_ranks(dst, len);
		tx[n++] = (txref){ dst, len, 1 };
		at += len;
	}
	free(seen);
	tx_sort(tx, n, 0);
	for (size_t i = 0; i < n; i++) {
		if (u && tx_cmp(&tx[u - 1], &tx[i], 0) == 0)
			tx[u - 1].w++;
		else
			tx[u++] = tx[i];
	}
	/* Lay the distinct baskets out in sorted order, so that walking the
	 * baskets of one item moves forward through memory. */
	copy = xmalloc((at ? at : 1) * sizeof(uint32_t));
	at = 0;
	for (size_t i = 0; i < u; i++) {
		memcpy(copy + at, tx[i].p, tx[i].n * sizeof(uint32_t));
		tx[i].p = buf + at;
		at += tx[i].n;
	}
	memcpy(buf, copy, at * sizeof(uint32_t));
	free(copy);
	return u;
}

/* Length of the common prefix of two rank strings. */
static uint32_t common_prefix(const txref *a, const txref *b)
{
	uint32_t l = 0;

	while (l < a->n && l < b->n && a->p[l] == b->p[l])
		l++;
	return l;
}

/* Builds the initial tree in m->trees[0] from the sorted distinct baskets,
 * which have `nodes` nodes: consecutive baskets share their common prefix,
 * so no child is ever searched for. */
static void build_tree(miner *m, const txref *tx, size_t n_tx, size_t nodes, const uint32_t *byrank,
		       const uint32_t *hcount, uint32_t k)
{
	tree *t = &m->trees[0];
	uint32_t *path = xmalloc(((size_t)k + 1) * sizeof(uint32_t));

	tree_reserve(t, nodes, k);
	tree_reset(t, k);
	memcpy(t->gitem, byrank, k * sizeof(uint32_t));
	memcpy(t->hcount, hcount, k * sizeof(uint32_t));
	path[0] = 0;
	for (size_t i = 0; i < n_tx; i++) {
		uint32_t l = i ? common_prefix(&tx[i - 1], &tx[i]) : 0;
		if (i && l < tx[i - 1].n)
			t->single = false;
		for (uint32_t d = 0; d < l; d++)
			t->nodes[path[d + 1]].count += tx[i].w;
		for (uint32_t d = l; d < tx[i].n; d++)
			path[d + 1] = tree_add(t, path[d], tx[i].p[d], tx[i].w);
	}
	free(path);
}

/* Lists, for each rank, the distinct baskets holding it (occ, grouped by
 * rank from start[r]), and runs the first level from them. Frees tx. */
static void mine_from_baskets(miner *m, const uint32_t *data, txref *tx, size_t n_tx,
			      const uint32_t *byrank, const uint32_t *hcount, uint32_t k)
{
	uint32_t *start = xcalloc((size_t)k + 2, sizeof(uint32_t));
	uint32_t *at = xmalloc(n_tx * sizeof(uint32_t));
	uint32_t *w = xmalloc(n_tx * sizeof(uint32_t));
	uint32_t *occ;

	for (size_t i = 0; i < n_tx; i++) {
		for (uint32_t j = 0; j < tx[i].n; j++)
			start[tx[i].p[j] + 2]++;
	}
	for (uint32_t r = 0; r < k; r++)
		start[r + 2] += start[r + 1];
	occ = xmalloc(((size_t)start[k + 1] + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n_tx; i++) {
		for (uint32_t j = 0; j < tx[i].n; j++)
			occ[start[tx[i].p[j] + 1]++] = (uint32_t)i;
		at[i] = (uint32_t)(tx[i].p - data);
		w[i] = tx[i].w;
	}
	free(tx);
	mine_baskets(m, data, at, w, start, occ, byrank, hcount, k);
	free(occ);
	free(w);
	free(at);
	free(start);
}

static status check_input(const fpgrowth_baskets *b, err *e)
{
	if (b->n_baskets >= UINT32_MAX)
		return err_set(e, E_TOOBIG, "%zu baskets: at most %u are supported", b->n_baskets,
			       UINT32_MAX - 1);
	if (b->n_baskets && b->offsets[0] != 0)
		return err_set(e, E_INVAL, "basket offsets must start at 0");
	for (size_t i = 0; i < b->n_baskets; i++) {
		if (b->offsets[i + 1] < b->offsets[i])
			return err_set(e, E_INVAL, "basket %zu: offsets must not descend", i);
	}
	for (size_t j = 0; b->n_baskets && j < b->offsets[b->n_baskets]; j++) {
		if (b->items[j] >= b->n_items)
			return err_set(e, E_INVAL,
				       "item id %" PRIu32 " out of range (%" PRIu32 " items)",
				       b->items[j], b->n_items);
	}
	return E_OK;
}

/* Ranks items by descending frequency, ties by ascending id. */
static int cmp_rank(const void *a, const void *b)
{
	const item_freq *x = a, *y = b;
	if (x->freq != y->freq)
		return x->freq > y->freq ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Counts each item once per basket; fills rank[] (NONE when infrequent),
 * byrank[] and hcount[] (per rank); returns the number of frequent items and
 * their occurrences in *total. */
static uint32_t rank_items(const fpgrowth_baskets *b, uint32_t min_count, uint32_t *rank,
			   uint32_t *byrank, uint32_t *hcount, size_t *total)
{
	uint32_t *freq = xcalloc(b->n_items, sizeof(uint32_t));
	uint32_t *seen = xcalloc(b->n_items, sizeof(uint32_t));
	item_freq *order = xmalloc(b->n_items * sizeof(item_freq));
	uint32_t k = 0;

	for (size_t i = 0; i < b->n_baskets; i++) {
		for (size_t j = b->offsets[i]; j < b->offsets[i + 1]; j++) {
			uint32_t it = b->items[j];
			if (seen[it] != i + 1) {
				seen[it] = (uint32_t)(i + 1);
				freq[it]++;
			}
		}
	}
	*total = 0;
	for (uint32_t i = 0; i < b->n_items; i++) {
		rank[i] = NONE;
		if (freq[i] >= min_count) {
			order[k++] = (item_freq){ freq[i], i };
			*total += freq[i];
		}
	}
	qsort(order, k, sizeof(*order), cmp_rank);
	for (uint32_t r = 0; r < k; r++) {
		byrank[r] = order[r].id;
		hcount[r] = order[r].freq;
		rank[order[r].id] = r;
	}
	free(order);
	free(seen);
	free(freq);
	return k;
}

status fpgrowth_mine(const fpgrowth_baskets *b, const fpgrowth_params *p, fpgrowth_itemsets *out,
		     err *e)
{
	uint32_t *rank = NULL, *byrank = NULL, *hcount = NULL, *buf = NULL;
	uint32_t k, depth;
	txref *tx = NULL;
	size_t total, n_tx, nodes = 1, entries = 0;
	miner m = { 0 };
	status rc;
	bool use_tree;

	memset(out, 0, sizeof(*out));
	out->offsets = xcalloc(1, sizeof(size_t));
	if ((rc = check_input(b, e)))
		return rc;
	m.min_count = p->min_count ? p->min_count : 1;
	m.max_len = p->max_len ? p->max_len : UINT32_MAX;
	m.max_itemsets = p->max_itemsets;
	m.out = out;
	m.e = e;

	rank = xmalloc(b->n_items * sizeof(uint32_t));
	byrank = xmalloc(b->n_items * sizeof(uint32_t));
	hcount = xmalloc(b->n_items * sizeof(uint32_t));
	k = rank_items(b, m.min_count, rank, byrank, hcount, &total);
	if (!k)
		goto out;
	buf = xmalloc(total * sizeof(uint32_t));
	tx = xmalloc(b->n_baskets * sizeof(txref));
	n_tx = prepare_baskets(b, rank, k, buf, tx);
	for (size_t i = 0; i < n_tx; i++) {
		nodes += tx[i].n - (i ? common_prefix(&tx[i - 1], &tx[i]) : 0);
		entries += tx[i].n;
	}
	if (nodes > MAX_NODES || entries > MAX_NODES) {
		rc = err_set(e, E_TOOBIG,
			     "%zu item occurrences after pruning: too many; raise "
			     "the minimum support",
			     entries);
		goto out;
	}

	/* A path is at most k long, so no itemset and no depth exceeds k. */
	depth = m.max_len < k ? m.max_len : k;
	m.n_trees = depth + 1;
	m.trees = xcalloc(m.n_trees, sizeof(tree));
	m.suffix = xmalloc(((size_t)depth + 1) * sizeof(uint32_t));
	m.stack = xmalloc(k * sizeof(uint32_t));
	m.freq = xmalloc(k * sizeof(uint32_t));
	m.newloc = xmalloc(k * sizeof(uint32_t));
	m.rootchild = xmalloc(k * sizeof(uint32_t));
	/* The tree pays off when it merges prefixes: below 2:1 it is mostly
	 * unshared tails and the first level runs faster off the baskets. */
	switch (p->strategy) {
	case FPGROWTH_TREE:
		use_tree = true;
		break;
	case FPGROWTH_BASKETS:
		use_tree = false;
		break;
	default:
		use_tree = 2 * nodes <= entries;
		break;
	}
	if (use_tree) {
		build_tree(&m, tx, n_tx, nodes, byrank, hcount, k);
		free(tx);
		free(buf);
		tx = NULL;
		buf = NULL;
		mine(&m, 0);
	} else {
		mine_from_baskets(&m, buf, tx, n_tx, byrank, hcount, k);
		tx = NULL;
	}
	rc = m.rc;
out:
	for (uint32_t i = 0; i < m.n_trees; i++)
		tree_release(&m.trees[i]);
	free(m.trees);
	free(m.suffix);
	free(m.list);
	free(m.stack);
	free(m.child);
	free(m.sibling);
	free(m.freq);
	free(m.newloc);
	free(m.rootchild);
	free(tx);
	free(buf);
	free(rank);
	free(byrank);
	free(hcount);
	return rc;
}
