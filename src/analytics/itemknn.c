/* itemknn.c: cosine item-item neighbourhoods by sparse co-occurrence, and
 * neighbourhood scores for a user (see itemknn.h). */
#include "analytics/itemknn.h"
#include "core/xalloc.h"

#include <math.h>

#define DEFAULT_K 50
#define BLOCK	  16 /* items per block handed to a thread */

typedef struct {
	const rec_matrix *ui, *iu;
	const double *norm;
	uint32_t k, min_common;
	uint32_t *nbr;	 /* n_items * k */
	float *sim;	 /* n_items * k */
	uint32_t *count; /* per item: neighbours found */
	/* per worker */
	double **acc;
	uint32_t **common, **touched;
	float **heap_score;
} fit_ctx;

static void fit_block(void *arg, size_t begin, size_t end, int worker)
{
	fit_ctx *c = arg;
	const rec_matrix *ui = c->ui, *iu = c->iu;
	double *acc = c->acc[worker];
	uint32_t *common = c->common[worker], *touched = c->touched[worker];

	for (size_t i = begin; i < end; i++) {
		size_t nt = 0;
		rec_topk top;

		for (size_t a = iu->indptr[i]; a < iu->indptr[i + 1]; a++) {
			uint32_t u = iu->indices[a];
			double rui = iu->data[a];
			for (size_t b = ui->indptr[u]; b < ui->indptr[u + 1]; b++) {
				uint32_t j = ui->indices[b];
				if (j == i)
					continue;
				if (common[j]++ == 0)
					touched[nt++] = j;
				acc[j] += rui * ui->data[b];
			}
		}
		rec_topk_init(&top, c->k, c->nbr + i * c->k, c->sim + i * c->k);
		for (size_t t = 0; t < nt; t++) {
			uint32_t j = touched[t];
			if (common[j] >= c->min_common)
				rec_topk_push(&top, j, (float)(acc[j] / (c->norm[i] * c->norm[j])));
			acc[j] = 0;
			common[j] = 0;
		}
		c->count[i] = rec_topk_finish(&top);
	}
}

status itemknn_fit(const rec_matrix *ui, const itemknn_params *p, itemknn_model *out, err *e)
{
	uint32_t n = ui->n_cols, k = p->k ? p->k : DEFAULT_K;
	int threads = p->threads < 1 ? 1 : p->threads;
	rec_matrix iu = { 0 };
	fit_ctx c = { .ui = ui, .iu = &iu, .k = k, .min_common = p->min_common };
	double *norm;
	size_t at = 0;

	(void)e;
	memset(out, 0, sizeof(*out));
	if (threads > 64)
		threads = 64;
	rec_matrix_transpose(ui, &iu);
	norm = xmalloc((n ? n : 1) * sizeof(*norm));
	for (uint32_t i = 0; i < n; i++) {
		double s = 0;
		for (size_t a = iu.indptr[i]; a < iu.indptr[i + 1]; a++)
			s += (double)iu.data[a] * iu.data[a];
		norm[i] = sqrt(s);
	}
	c.norm = norm;
	c.nbr = xmalloc(((size_t)n + 1) * k * sizeof(*c.nbr));
	c.sim = xmalloc(((size_t)n + 1) * k * sizeof(*c.sim));
	c.count = xcalloc(n ? n : 1, sizeof(*c.count));
	c.acc = xmalloc((size_t)threads * sizeof(*c.acc));
	c.common = xmalloc((size_t)threads * sizeof(*c.common));
	c.touched = xmalloc((size_t)threads * sizeof(*c.touched));
	for (int t = 0; t < threads; t++) {
		c.acc[t] = xcalloc(n ? n : 1, sizeof(double));
		c.common[t] = xcalloc(n ? n : 1, sizeof(uint32_t));
		c.touched[t] = xmalloc((n ? n : 1) * sizeof(uint32_t));
	}
	rec_parallel(threads, n, BLOCK, fit_block, &c);

	out->n_items = n;
	out->offsets = xmalloc(((size_t)n + 1) * sizeof(*out->offsets));
	out->offsets[0] = 0;
	for (uint32_t i = 0; i < n; i++)
		out->offsets[i + 1] = out->offsets[i] + c.count[i];
	out->neighbour = xmalloc((out->offsets[n] ? out->offsets[n] : 1) * sizeof(uint32_t));
	out->similarity = xmalloc((out->offsets[n] ? out->offsets[n] : 1) * sizeof(float));
	for (uint32_t i = 0; i < n; i++) {
		memcpy(out->neighbour + at, c.nbr + (size_t)i * k, c.count[i] * sizeof(uint32_t));
		memcpy(out->similarity + at, c.sim + (size_t)i * k, c.count[i] * sizeof(float));
		at += c.count[i];
	}

	for (int t = 0; t < threads; t++) {
		free(c.acc[t]);
		free(c.common[t]);
		free(c.touched[t]);
	}
	free(c.acc);
	free(c.common);
	free(c.touched);
	free(c.count);
	free(c.sim);
	free(c.nbr);
	free(norm);
	rec_matrix_release(&iu);
	return E_OK;
}

void itemknn_release(itemknn_model *m)
{
	free(m->offsets);
	free(m->neighbour);
	free(m->similarity);
	memset(m, 0, sizeof(*m));
}

float itemknn_similarity(const itemknn_model *m, uint32_t i, uint32_t j)
{
	for (size_t a = m->offsets[i]; a < m->offsets[i + 1]; a++) {
		if (m->neighbour[a] == j)
			return m->similarity[a];
	}
	return 0;
}

void itemknn_scratch_init(itemknn_scratch *s, uint32_t n_items)
{
	size_t n = n_items ? n_items : 1;

	s->n_items = n_items;
	s->score = xmalloc(n * sizeof(*s->score));
	s->best = xmalloc(n * sizeof(*s->best));
	s->because = xmalloc(n * sizeof(*s->because));
	s->touched = xmalloc(n * sizeof(*s->touched));
	for (size_t i = 0; i < n; i++)
		s->because[i] = REC_NONE;
}

void itemknn_scratch_release(itemknn_scratch *s)
{
	free(s->score);
	free(s->best);
	free(s->because);
	free(s->touched);
	memset(s, 0, sizeof(*s));
}

uint32_t itemknn_recommend(const itemknn_model *m, const uint32_t *items, size_t n, uint32_t k,
			   itemknn_scratch *s, uint32_t *out, float *scores, uint32_t *because)
{
	size_t nt = 0;
	uint32_t found;
	rec_topk top;

	for (size_t a = 0; a < n; a++) {
		uint32_t i = items[a];
		for (size_t b = m->offsets[i]; b < m->offsets[i + 1]; b++) {
			uint32_t j = m->neighbour[b];
			float sim = m->similarity[b];
			if (s->because[j] == REC_NONE) {
				s->touched[nt++] = j;
				s->score[j] = sim;
				s->best[j] = sim;
				s->because[j] = i;
				continue;
			}
			s->score[j] += sim;
			if (sim > s->best[j] || (sim == s->best[j] && i < s->because[j])) {
				s->best[j] = sim;
				s->because[j] = i;
			}
		}
	}
	/* The user's own items are never recommended. */
	for (size_t a = 0; a < n; a++) {
		if (s->because[items[a]] != REC_NONE)
			s->score[items[a]] = -INFINITY;
	}
	rec_topk_init(&top, k, out, scores);
	for (size_t t = 0; t < nt; t++) {
		uint32_t j = s->touched[t];
		if (s->score[j] != -INFINITY)
			rec_topk_push(&top, j, s->score[j]);
	}
	found = rec_topk_finish(&top);
	if (because) {
		for (uint32_t r = 0; r < found; r++)
			because[r] = s->because[out[r]];
	}
	for (size_t t = 0; t < nt; t++)
		s->because[s->touched[t]] = REC_NONE;
	return found;
}
