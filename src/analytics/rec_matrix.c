/* rec_matrix.c: the sparse user x item matrix and the small tools the
 * recommenders share (generator, top-k heap, dynamic parallel loop). */
#include "analytics/rec_matrix.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>

#define REC_MAX_THREADS 64

void rec_matrix_release(rec_matrix *m)
{
	free(m->indptr);
	free(m->indices);
	free(m->data);
	memset(m, 0, sizeof(*m));
}

typedef struct {
	uint32_t col;
	float val;
} entry;

static int entry_cmp(const void *a, const void *b)
{
	uint32_t x = ((const entry *)a)->col, y = ((const entry *)b)->col;
	return (x > y) - (x < y);
}

static void sort_entries(entry *v, size_t n)
{
	if (n > 16) {
		qsort(v, n, sizeof(*v), entry_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		entry t = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1].col > t.col; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

status rec_matrix_from_rows(uint32_t n_rows, uint32_t n_cols, const size_t *offsets,
			    const uint32_t *cols, const float *vals, rec_matrix *out, err *e)
{
	size_t total, longest = 0, nnz = 0;
	entry *row;

	memset(out, 0, sizeof(*out));
	if (offsets[0] != 0)
		return err_set(e, E_INVAL, "rec_matrix: offsets must start at 0");
	for (uint32_t r = 0; r < n_rows; r++) {
		if (offsets[r + 1] < offsets[r])
			return err_set(e, E_INVAL, "rec_matrix: offsets of row %" PRIu32 " descend",
				       r);
		if (offsets[r + 1] - offsets[r] > longest)
			longest = offsets[r + 1] - offsets[r];
	}
	total = offsets[n_rows];
	for (size_t i = 0; i < total; i++) {
		if (cols[i] >= n_cols)
			return err_set(e, E_INVAL,
				       "rec_matrix: column %" PRIu32 " is out of range (%" PRIu32
				       " columns)",
				       cols[i], n_cols);
	}
	out->n_rows = n_rows;
	out->n_cols = n_cols;
	out->indptr = xmalloc(((size_t)n_rows + 1) * sizeof(*out->indptr));
	out->indices = xmalloc((total ? total : 1) * sizeof(*out->indices));
	out->data = xmalloc((total ? total : 1) * sizeof(*out->data));
	row = xmalloc((longest ? longest : 1) * sizeof(*row));
	out->indptr[0] = 0;
	for (uint32_t r = 0; r < n_rows; r++) {
		size_t n = offsets[r + 1] - offsets[r], m = 0;
		for (size_t i = 0; i < n; i++) {
			row[i].col = cols[offsets[r] + i];
			row[i].val = vals ? vals[offsets[r] + i] : 1.0f;
		}
		sort_entries(row, n);
		for (size_t i = 0; i < n; i++) {
			if (m && row[m - 1].col == row[i].col)
				row[m - 1].val += row[i].val;
			else
				row[m++] = row[i];
		}
		for (size_t i = 0; i < m; i++) {
			if (!(row[i].val > 0))
				continue;
			out->indices[nnz] = row[i].col;
			out->data[nnz++] = row[i].val;
		}
		out->indptr[r + 1] = nnz;
	}
	out->nnz = nnz;
	free(row);
	return E_OK;
}

void rec_matrix_transpose(const rec_matrix *m, rec_matrix *out)
{
	size_t *next;

	out->n_rows = m->n_cols;
	out->n_cols = m->n_rows;
	out->nnz = m->nnz;
	out->indptr = xcalloc((size_t)m->n_cols + 1, sizeof(*out->indptr));
	out->indices = xmalloc((m->nnz ? m->nnz : 1) * sizeof(*out->indices));
	out->data = xmalloc((m->nnz ? m->nnz : 1) * sizeof(*out->data));
	for (size_t i = 0; i < m->nnz; i++)
		out->indptr[m->indices[i] + 1]++;
	for (uint32_t c = 0; c < m->n_cols; c++)
		out->indptr[c + 1] += out->indptr[c];
	next = xmalloc(((size_t)m->n_cols + 1) * sizeof(*next));
	memcpy(next, out->indptr, ((size_t)m->n_cols + 1) * sizeof(*next));
	/* Rows in ascending order: each column's users come out ascending. */
	for (uint32_t r = 0; r < m->n_rows; r++) {
		for (size_t i = m->indptr[r]; i < m->indptr[r + 1]; i++) {
			size_t at = next[m->indices[i]]++;
			out->indices[at] = r;
			out->data[at] = m->data[i];
		}
	}
	free(next);
}

void rec_matrix_binarize(rec_matrix *m)
{
	for (size_t i = 0; i < m->nnz; i++)
		m->data[i] = 1.0f;
}

bool rec_matrix_has(const rec_matrix *m, uint32_t r, uint32_t c)
{
	size_t lo = m->indptr[r], hi = m->indptr[r + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->indices[mid] < c)
			lo = mid + 1;
		else if (m->indices[mid] > c)
			hi = mid;
		else
			return true;
	}
	return false;
}

status rec_matrix_from_orders(const rec_orders *o, const bool *keep, rec_weighting w,
			      rec_matrix *out, err *e)
{
	size_t *offsets = xcalloc((size_t)o->n_users + 1, sizeof(*offsets)), *next;
	uint32_t *cols;
	status rc;

	for (size_t i = 0; i < o->n_orders; i++) {
		if (o->user[i] == REC_NONE || (keep && !keep[i]))
			continue;
		if (o->user[i] >= o->n_users) {
			free(offsets);
			memset(out, 0, sizeof(*out));
			return err_set(e, E_INVAL,
				       "rec_orders: order %zu has user %" PRIu32 " of %" PRIu32, i,
				       o->user[i], o->n_users);
		}
		offsets[o->user[i] + 1] += o->offsets[i + 1] - o->offsets[i];
	}
	for (uint32_t u = 0; u < o->n_users; u++)
		offsets[u + 1] += offsets[u];
	cols = xmalloc((offsets[o->n_users] ? offsets[o->n_users] : 1) * sizeof(*cols));
	next = xmalloc(((size_t)o->n_users + 1) * sizeof(*next));
	memcpy(next, offsets, ((size_t)o->n_users + 1) * sizeof(*next));
	for (size_t i = 0; i < o->n_orders; i++) {
		if (o->user[i] == REC_NONE || (keep && !keep[i]))
			continue;
		for (size_t j = o->offsets[i]; j < o->offsets[i + 1]; j++)
			cols[next[o->user[i]]++] = o->items[j];
	}
	/* Each order lists an item once, so adding up the 1s counts orders. */
	rc = rec_matrix_from_rows(o->n_users, o->n_items, offsets, cols, NULL, out, e);
	if (!rc && w == REC_BINARY)
		rec_matrix_binarize(out);
	free(next);
	free(cols);
	free(offsets);
	return rc;
}

/* ---- generator ---- */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rec_rng_init(rec_rng *g, uint64_t seed, uint64_t stream)
{
	g->s = mix64(seed ^ mix64(stream + 0x9e3779b97f4a7c15ULL));
}

uint64_t rec_rng_next(rec_rng *g)
{
	g->s += 0x9e3779b97f4a7c15ULL;
	return mix64(g->s);
}

double rec_rng_uniform(rec_rng *g)
{
	return (double)(rec_rng_next(g) >> 11) * 0x1.0p-53;
}

uint64_t rec_rng_below(rec_rng *g, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = rec_rng_next(g);
	while (x >= limit);
	return x % n;
}

/* ---- top-k: a min-heap on (score, -index) holding the k best ---- */

/* Whether (ia, sa) ranks below (ib, sb). */
static inline bool worse(uint32_t ia, float sa, uint32_t ib, float sb)
{
	return sa < sb || (sa == sb && ia > ib);
}

void rec_topk_init(rec_topk *t, uint32_t k, uint32_t *idx, float *score)
{
	t->k = k;
	t->n = 0;
	t->idx = idx;
	t->score = score;
}

static void sift_down(rec_topk *t, uint32_t i, uint32_t n)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && worse(t->idx[l], t->score[l], t->idx[m], t->score[m]))
			m = l;
		if (r < n && worse(t->idx[r], t->score[r], t->idx[m], t->score[m]))
			m = r;
		if (m == i)
			return;
		uint32_t ti = t->idx[i];
		float ts = t->score[i];
		t->idx[i] = t->idx[m];
		t->score[i] = t->score[m];
		t->idx[m] = ti;
		t->score[m] = ts;
		i = m;
	}
}

void rec_topk_insert(rec_topk *t, uint32_t idx, float score)
{
	if (t->n < t->k) {
		uint32_t i = t->n++;
		while (i > 0) {
			uint32_t p = (i - 1) / 2;
			if (!worse(idx, score, t->idx[p], t->score[p]))
				break;
			t->idx[i] = t->idx[p];
			t->score[i] = t->score[p];
			i = p;
		}
		t->idx[i] = idx;
		t->score[i] = score;
		return;
	}
	if (!t->k || !worse(t->idx[0], t->score[0], idx, score))
		return;
	t->idx[0] = idx;
	t->score[0] = score;
	sift_down(t, 0, t->n);
}

uint32_t rec_topk_finish(rec_topk *t)
{
	/* Heap sort: the worst moves to the end each round, leaving best first. */
	for (uint32_t end = t->n; end > 1; end--) {
		uint32_t ti = t->idx[0];
		float ts = t->score[0];
		t->idx[0] = t->idx[end - 1];
		t->score[0] = t->score[end - 1];
		t->idx[end - 1] = ti;
		t->score[end - 1] = ts;
		sift_down(t, 0, end - 1);
	}
	return t->n;
}

/* ---- dynamic parallel loop ---- */

typedef struct {
	rec_block_fn fn;
	void *ctx;
	size_t n, block;
	atomic_size_t next;
} loop;

typedef struct {
	loop *l;
	int worker;
} loop_arg;

static void *loop_run(void *arg)
{
	loop_arg *a = arg;
	loop *l = a->l;

	for (;;) {
		size_t b = atomic_fetch_add(&l->next, l->block);
		if (b >= l->n)
			break;
		l->fn(l->ctx, b, b + l->block < l->n ? b + l->block : l->n, a->worker);
	}
	return NULL;
}

void rec_parallel(int threads, size_t n, size_t block, rec_block_fn fn, void *ctx)
{
	pthread_t tid[REC_MAX_THREADS];
	loop_arg args[REC_MAX_THREADS];
	bool started[REC_MAX_THREADS];
	loop l = { .fn = fn, .ctx = ctx, .n = n, .block = block ? block : 1 };

	atomic_init(&l.next, 0);
	if (threads < 1)
		threads = 1;
	if (threads > REC_MAX_THREADS)
		threads = REC_MAX_THREADS;
	if ((size_t)threads > (n + l.block - 1) / l.block)
		threads = (int)((n + l.block - 1) / l.block);
	if (threads < 1)
		threads = 1;
	for (int i = 0; i < threads; i++)
		args[i] = (loop_arg){ &l, i };
	for (int i = 1; i < threads; i++)
		started[i] = pthread_create(&tid[i], NULL, loop_run, &args[i]) == 0;
	loop_run(&args[0]);
	/* A thread that could not start leaves its share to the others: worker
	 * 0 has already drained the counter by the time it gets here. */
	for (int i = 1; i < threads; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
	}
}
