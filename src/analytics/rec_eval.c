/* rec_eval.c: hold-out splits, the rankers behind rec_ranker, and the
 * metrics (definitions in rec_eval.h). */
#include "analytics/rec_eval.h"
#include "core/xalloc.h"

#include <math.h>

#define MAX_THREADS 64

static int clamp_threads(int t)
{
	return t < 1 ? 1 : t > MAX_THREADS ? MAX_THREADS : t;
}

/* ---- splits ---- */

static void matrix_alloc(rec_matrix *m, uint32_t rows, uint32_t cols, size_t cap)
{
	m->n_rows = rows;
	m->n_cols = cols;
	m->nnz = 0;
	m->indptr = xcalloc((size_t)rows + 1, sizeof(*m->indptr));
	m->indices = xmalloc((cap ? cap : 1) * sizeof(*m->indices));
	m->data = xmalloc((cap ? cap : 1) * sizeof(*m->data));
}

void rec_split_random(const rec_matrix *m, double fraction, uint64_t seed, rec_matrix *train,
		      rec_matrix *test)
{
	size_t longest = 0;
	uint32_t *pos;
	bool *held;

	for (uint32_t u = 0; u < m->n_rows; u++) {
		if (m->indptr[u + 1] - m->indptr[u] > longest)
			longest = m->indptr[u + 1] - m->indptr[u];
	}
	matrix_alloc(train, m->n_rows, m->n_cols, m->nnz);
	matrix_alloc(test, m->n_rows, m->n_cols, m->nnz);
	pos = xmalloc((longest ? longest : 1) * sizeof(*pos));
	held = xcalloc(longest ? longest : 1, sizeof(*held));
	for (uint32_t u = 0; u < m->n_rows; u++) {
		size_t lo = m->indptr[u], n = m->indptr[u + 1] - lo;
		double want = floor(fraction * (double)n + 0.5);
		size_t h = want <= 0 ? 0 : want >= (double)n ? n : (size_t)want;
		rec_rng g;

		if (h >= n)
			h = n ? n - 1 : 0;
		rec_rng_init(&g, seed, u);
		for (size_t i = 0; i < n; i++)
			pos[i] = (uint32_t)i;
		/* Partial Fisher-Yates: pos[0 .. h) is a uniform h-subset. */
		for (size_t t = 0; t < h; t++) {
			size_t j = t + (size_t)rec_rng_below(&g, n - t);
			uint32_t tmp = pos[t];
			pos[t] = pos[j];
			pos[j] = tmp;
			held[pos[t]] = true;
		}
		for (size_t i = 0; i < n; i++) {
			rec_matrix *to = held[i] ? test : train;
			to->indices[to->nnz] = m->indices[lo + i];
			to->data[to->nnz++] = held[i] ? 1.0f : m->data[lo + i];
			held[i] = false;
		}
		train->indptr[u + 1] = train->nnz;
		test->indptr[u + 1] = test->nnz;
	}
	free(held);
	free(pos);
}

/* Orders of one user by time, ties by position. */
static int cmp_order(const void *a, const void *b, void *arg)
{
	const rec_orders *o = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (o->time[x] != o->time[y])
		return o->time[x] < o->time[y] ? -1 : 1;
	return (x > y) - (x < y);
}

status rec_split_last_orders(const rec_orders *o, uint32_t n_last, rec_weighting w,
			     rec_matrix *train, rec_matrix *test, err *e)
{
	size_t *start = xcalloc((size_t)o->n_users + 2, sizeof(*start)), *toff, n_test = 0;
	uint32_t *ord = xmalloc((o->n_orders ? o->n_orders : 1) * sizeof(*ord)), *titems;
	bool *keep = xmalloc((o->n_orders ? o->n_orders : 1) * sizeof(*keep));
	rec_matrix all = { 0 };
	status rc;

	memset(train, 0, sizeof(*train));
	memset(test, 0, sizeof(*test));
	for (size_t i = 0; i < o->n_orders; i++) {
		keep[i] = true;
		if (o->user[i] != REC_NONE && o->user[i] < o->n_users)
			start[o->user[i] + 2]++;
	}
	for (uint32_t u = 0; u <= o->n_users; u++)
		start[u + 1] += start[u];
	for (size_t i = 0; i < o->n_orders; i++) {
		if (o->user[i] != REC_NONE && o->user[i] < o->n_users)
			ord[start[o->user[i] + 1]++] = (uint32_t)i;
	}
	/* start[u] .. start[u + 1] now bound user u's orders. */
	toff = xcalloc((size_t)o->n_users + 1, sizeof(*toff));
	for (uint32_t u = 0; u < o->n_users; u++) {
		size_t lo = start[u], n = start[u + 1] - lo;
		qsort_r(ord + lo, n, sizeof(*ord), cmp_order, (void *)o);
		if (n > n_last) {
			for (size_t j = n - n_last; j < n; j++) {
				keep[ord[lo + j]] = false;
				n_test += o->offsets[ord[lo + j] + 1] - o->offsets[ord[lo + j]];
			}
		}
		toff[u + 1] = n_test;
	}
	titems = xmalloc((n_test ? n_test : 1) * sizeof(*titems));
	n_test = 0;
	for (uint32_t u = 0; u < o->n_users; u++) {
		size_t lo = start[u], n = start[u + 1] - lo;
		for (size_t j = n > n_last ? n - n_last : n; j < n; j++) {
			uint32_t oi = ord[lo + j];
			for (size_t a = o->offsets[oi]; a < o->offsets[oi + 1]; a++)
				titems[n_test++] = o->items[a];
		}
	}
	if ((rc = rec_matrix_from_orders(o, keep, w, train, e)) ||
	    (rc = rec_matrix_from_rows(o->n_users, o->n_items, toff, titems, NULL, &all, e)))
		goto out;
	/* Keep the held-out items the user did not already have. */
	matrix_alloc(test, all.n_rows, all.n_cols, all.nnz);
	for (uint32_t u = 0; u < all.n_rows; u++) {
		for (size_t a = all.indptr[u]; a < all.indptr[u + 1]; a++) {
			if (rec_matrix_has(train, u, all.indices[a]))
				continue;
			test->indices[test->nnz] = all.indices[a];
			test->data[test->nnz++] = 1.0f;
		}
		test->indptr[u + 1] = test->nnz;
	}
out:
	if (rc) {
		rec_matrix_release(train);
		rec_matrix_release(test);
	}
	rec_matrix_release(&all);
	free(titems);
	free(toff);
	free(keep);
	free(ord);
	free(start);
	return rc;
}

/* ---- rankers ---- */

static void pad(uint32_t *out, float *scores, uint32_t from, uint32_t k)
{
	for (uint32_t r = from; r < k; r++) {
		out[r] = REC_NONE;
		if (scores)
			scores[r] = 0;
	}
}

typedef struct {
	const rec_matrix *train;
	uint32_t *order; /* items, most popular first */
	float *count;	 /* users per item */
} popular;

static void popular_rank(void *self, const uint32_t *users, size_t n, uint32_t k, uint32_t *out,
			 float *scores, int worker)
{
	const popular *p = self;

	(void)worker;
	for (size_t j = 0; j < n; j++) {
		uint32_t got = 0, *o = out + j * k;
		float *s = scores ? scores + j * k : NULL;
		for (uint32_t a = 0; a < p->train->n_cols && got < k; a++) {
			uint32_t i = p->order[a];
			if (rec_matrix_has(p->train, users[j], i))
				continue;
			o[got] = i;
			if (s)
				s[got] = p->count[i];
			got++;
		}
		pad(o, s, got, k);
	}
}

static void popular_release(void *self)
{
	popular *p = self;
	free(p->order);
	free(p->count);
	free(p);
}

void rec_ranker_popular(rec_ranker *r, const rec_matrix *train, int threads)
{
	popular *p = xcalloc(1, sizeof(*p));
	uint32_t n = train->n_cols;
	float *tmp;
	rec_topk top;

	p->train = train;
	p->order = xmalloc((n ? n : 1) * sizeof(*p->order));
	p->count = xcalloc(n ? n : 1, sizeof(*p->count));
	tmp = xmalloc((n ? n : 1) * sizeof(*tmp));
	for (size_t a = 0; a < train->nnz; a++)
		p->count[train->indices[a]] += 1.0f;
	/* A full "top n" sorts by count, ties by index. */
	rec_topk_init(&top, n, p->order, tmp);
	for (uint32_t i = 0; i < n; i++)
		rec_topk_push(&top, i, p->count[i]);
	rec_topk_finish(&top);
	free(tmp);
	*r = (rec_ranker){ popular_rank, popular_release, p, clamp_threads(threads) };
}

typedef struct {
	const itemknn_model *m;
	const rec_matrix *train;
	itemknn_scratch *scratch; /* per worker */
	float **tmp;		  /* per worker: k scores when the caller wants none */
	uint32_t *tmp_cap;
	int threads;
} knn;

static void knn_rank(void *self, const uint32_t *users, size_t n, uint32_t k, uint32_t *out,
		     float *scores, int worker)
{
	knn *c = self;
	const rec_matrix *t = c->train;

	if (!scores && c->tmp_cap[worker] < k) {
		c->tmp[worker] = xrealloc(c->tmp[worker], k * sizeof(float));
		c->tmp_cap[worker] = k;
	}
	for (size_t j = 0; j < n; j++) {
		uint32_t u = users[j], got;
		float *s = scores ? scores + j * k : c->tmp[worker];
		got = itemknn_recommend(c->m, t->indices + t->indptr[u],
					t->indptr[u + 1] - t->indptr[u], k, &c->scratch[worker],
					out + j * k, s, NULL);
		pad(out + j * k, scores ? s : NULL, got, k);
	}
}

static void knn_release(void *self)
{
	knn *c = self;
	for (int w = 0; w < c->threads; w++) {
		itemknn_scratch_release(&c->scratch[w]);
		free(c->tmp[w]);
	}
	free(c->scratch);
	free(c->tmp);
	free(c->tmp_cap);
	free(c);
}

void rec_ranker_itemknn(rec_ranker *r, const itemknn_model *m, const rec_matrix *train, int threads)
{
	knn *c = xcalloc(1, sizeof(*c));

	threads = clamp_threads(threads);
	c->m = m;
	c->train = train;
	c->threads = threads;
	c->scratch = xmalloc((size_t)threads * sizeof(*c->scratch));
	c->tmp = xcalloc((size_t)threads, sizeof(*c->tmp));
	c->tmp_cap = xcalloc((size_t)threads, sizeof(*c->tmp_cap));
	for (int w = 0; w < threads; w++)
		itemknn_scratch_init(&c->scratch[w], m->n_items);
	*r = (rec_ranker){ knn_rank, knn_release, c, threads };
}

/* Scores are made for ITEM_CHUNK items at a time, so the block of scores
 * (REC_RANK_BLOCK x ITEM_CHUNK floats, 512 KiB) is still in cache when the
 * top-k heaps read it. */
#define ITEM_CHUNK 512

typedef struct {
	const als_model *m;
	const rec_matrix *train;
	float **x;	/* per worker: REC_RANK_BLOCK x f gathered user factors */
	float **score;	/* per worker: REC_RANK_BLOCK x ITEM_CHUNK */
	float **kscore; /* per worker: REC_RANK_BLOCK x k scores when the caller wants none */
	uint32_t *kcap;
	rec_topk **top; /* per worker: REC_RANK_BLOCK heaps */
	size_t **next;	/* per worker: REC_RANK_BLOCK positions in the training rows */
	int threads;
} alsr;

static void als_rank(void *self, const uint32_t *users, size_t n, uint32_t k, uint32_t *out,
		     float *scores, int worker)
{
	alsr *c = self;
	const als_model *m = c->m;
	const rec_matrix *t = c->train;
	const uint32_t f = m->factors, ni = m->n_items;
	float *x = c->x[worker], *sc = c->score[worker], *ks;
	rec_topk *top = c->top[worker];
	size_t *next = c->next[worker];

	if (!scores && c->kcap[worker] < k) {
		c->kscore[worker] =
			xrealloc(c->kscore[worker], (size_t)REC_RANK_BLOCK * k * sizeof(float));
		c->kcap[worker] = k;
	}
	ks = scores ? scores : c->kscore[worker];
	for (size_t j = 0; j < n; j++) {
		memcpy(x + j * f, m->user_factors + (size_t)users[j] * f, f * sizeof(float));
		rec_topk_init(&top[j], k, out + j * k, ks + j * k);
		next[j] = t->indptr[users[j]];
	}
	for (uint32_t i0 = 0; i0 < ni; i0 += ITEM_CHUNK) {
		uint32_t w = ni - i0 < ITEM_CHUNK ? ni - i0 : ITEM_CHUNK;
		als_blas_abt(x, n, m->item_factors + (size_t)i0 * f, w, f, sc);
		for (size_t j = 0; j < n; j++) {
			const float *row = sc + j * w;
			size_t a = next[j], end = t->indptr[users[j] + 1];
			for (uint32_t i = 0; i < w; i++) {
				/* The training row is ascending: skip its items as we pass them. */
				if (a < end && t->indices[a] == i0 + i) {
					a++;
					continue;
				}
				rec_topk_push(&top[j], i0 + i, row[i]);
			}
			next[j] = a;
		}
	}
	for (size_t j = 0; j < n; j++) {
		uint32_t got = rec_topk_finish(&top[j]);
		pad(out + j * k, scores ? scores + j * k : NULL, got, k);
	}
}

static void als_ranker_release(void *self)
{
	alsr *c = self;
	for (int w = 0; w < c->threads; w++) {
		free(c->x[w]);
		free(c->score[w]);
		free(c->kscore[w]);
		free(c->top[w]);
		free(c->next[w]);
	}
	free(c->x);
	free(c->score);
	free(c->kscore);
	free(c->kcap);
	free(c->top);
	free(c->next);
	free(c);
}

void rec_ranker_als(rec_ranker *r, const als_model *m, const rec_matrix *train, int threads)
{
	alsr *c = xcalloc(1, sizeof(*c));

	threads = clamp_threads(threads);
	c->m = m;
	c->train = train;
	c->threads = threads;
	c->x = xmalloc((size_t)threads * sizeof(*c->x));
	c->score = xmalloc((size_t)threads * sizeof(*c->score));
	c->kscore = xcalloc((size_t)threads, sizeof(*c->kscore));
	c->kcap = xcalloc((size_t)threads, sizeof(*c->kcap));
	c->top = xmalloc((size_t)threads * sizeof(*c->top));
	c->next = xmalloc((size_t)threads * sizeof(*c->next));
	for (int w = 0; w < threads; w++) {
		c->x[w] = xmalloc((size_t)REC_RANK_BLOCK * (m->factors + 1) * sizeof(float));
		c->score[w] = xmalloc((size_t)REC_RANK_BLOCK * ITEM_CHUNK * sizeof(float));
		c->top[w] = xmalloc(REC_RANK_BLOCK * sizeof(rec_topk));
		c->next[w] = xmalloc(REC_RANK_BLOCK * sizeof(size_t));
	}
	als_blas_single_thread();
	*r = (rec_ranker){ als_rank, als_ranker_release, c, threads };
}

void rec_ranker_release(rec_ranker *r)
{
	if (r->release && r->self)
		r->release(r->self);
	memset(r, 0, sizeof(*r));
}

typedef struct {
	const rec_ranker *r;
	const uint32_t *users;
	uint32_t k;
	uint32_t *out;
	float *scores;
} rank_ctx;

static void rank_block(void *arg, size_t begin, size_t end, int worker)
{
	rank_ctx *c = arg;
	c->r->rank(c->r->self, c->users + begin, end - begin, c->k, c->out + begin * c->k,
		   c->scores ? c->scores + begin * c->k : NULL, worker);
}

void rec_rank_users(const rec_ranker *r, const uint32_t *users, size_t n, uint32_t k, int threads,
		    uint32_t *out, float *scores)
{
	rank_ctx c = { r, users, k, out, scores };

	if (threads > r->threads)
		threads = r->threads;
	rec_parallel(threads, n, REC_RANK_BLOCK, rank_block, &c);
}

/* ---- metrics ---- */

static bool in_sorted(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else if (v[mid] > x)
			hi = mid;
		else
			return true;
	}
	return false;
}

void rec_metrics_user(const uint32_t *ranked, uint32_t k, const uint32_t *test, size_t n_test,
		      double *precision, double *recall, double *ndcg)
{
	double dcg = 0, idcg = 0;
	uint32_t hits = 0;

	for (uint32_t r = 0; r < k; r++) {
		if (ranked[r] != REC_NONE && in_sorted(test, n_test, ranked[r])) {
			hits++;
			dcg += 1.0 / log2((double)r + 2.0);
		}
		if (r < n_test)
			idcg += 1.0 / log2((double)r + 2.0);
	}
	*precision = k ? (double)hits / k : 0;
	*recall = n_test ? (double)hits / (double)n_test : 0;
	*ndcg = idcg > 0 ? dcg / idcg : 0;
}

void rec_evaluate(const rec_matrix *test, uint32_t k, const rec_ranker *r, int threads,
		  rec_metrics *out)
{
	uint32_t *users = xmalloc(((size_t)test->n_rows ? test->n_rows : 1) * sizeof(*users));
	uint32_t *ranked;
	size_t n = 0;
	double sp = 0, sr = 0, sn = 0, sh = 0;

	for (uint32_t u = 0; u < test->n_rows; u++) {
		if (test->indptr[u + 1] > test->indptr[u])
			users[n++] = u;
	}
	ranked = xmalloc((n + 1) * (k + 1) * sizeof(*ranked));
	if (k)
		rec_rank_users(r, users, n, k, threads, ranked, NULL);
	for (size_t j = 0; j < n && k; j++) {
		uint32_t u = users[j];
		double p, rc, nd;
		rec_metrics_user(ranked + j * k, k, test->indices + test->indptr[u],
				 test->indptr[u + 1] - test->indptr[u], &p, &rc, &nd);
		sp += p;
		sr += rc;
		sn += nd;
		sh += p > 0;
	}
	*out = (rec_metrics){ .k = k, .users = n };
	if (n) {
		out->precision = sp / (double)n;
		out->recall = sr / (double)n;
		out->ndcg = sn / (double)n;
		out->hit_rate = sh / (double)n;
	}
	free(ranked);
	free(users);
}
