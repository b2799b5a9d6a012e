/* analyze_recommend.c: `ecrm analyze recommend`: trains a recommender on
 * every customer's purchases and stores the top N products per customer
 * (with a reason) and the most similar products per product; or, with
 * --evaluate, holds out part of each customer's purchases and reports
 * precision, recall and NDCG at k of the models against popularity. */
#include "cli/cli.h"
#include "analytics/als.h"
#include "analytics/baskets_db.h"
#include "analytics/itemknn.h"
#include "analytics/parallel.h"
#include "analytics/rec_eval.h"
#include "analytics/rec_explain.h"
#include "analytics/recs_store.h"
#include "analytics/scores.h"
#include "analytics/snapshot.h"
#include "core/xalloc.h"
#include "ingest/baskets.h"

#include <jansson.h>
#include <math.h>
#include <time.h>

#define CMD "analyze recommend"

static const char usage[] =
	"usage: ecrm analyze recommend [--model itemknn|als|popular] [--top N] [--similar N]\n"
	"                              [MODEL OPTIONS] [--json]\n"
	"       ecrm analyze recommend --evaluate [--model itemknn|als|popular|all] [--k K]\n"
	"                              [--holdout random|last] [--test-fraction F]\n"
	"                              [--last-orders N] [--input FILE] [MODEL OPTIONS]\n"
	"\nWithout --evaluate: trains the model on every customer's purchases and stores\n"
	"the top N products (default 10) per customer that the customer has not bought\n"
	"in `recommendations`, each with a reason: a stored basket rule (\"bought X,\n"
	"often bought with Y\": run `ecrm analyze basket` first), else the most similar\n"
	"product the customer bought, else popularity. Stores the N (default 10) most\n"
	"similar products per product (item-kNN) in `similar_products`.\n"
	"\nWith --evaluate: holds out, per customer, a random fraction F (default 0.2) of\n"
	"the distinct products bought (--holdout random) or the products of the last N\n"
	"orders not bought before (--holdout last, N default 1), trains on the rest and\n"
	"prints precision, recall, NDCG and hit rate at K (default 10) for each model\n"
	"(default all) and the popularity baseline. Nothing is stored. --input FILE\n"
	"evaluates on a baskets file instead (each line one user).\n"
	"\nModel options (defaults in brackets):\n"
	"  --weighting binary|counts  a purchase counts once, or once per order [binary]\n"
	"  --exclude SKU,...   products to leave out (postage, fees)\n"
	"  --neighbours K      item-kNN neighbours per product [50]\n"
	"  --factors F --iterations I --regularization L --alpha A --cg-steps S\n"
	"                      ALS [64, 15, 10, 1, 3]; confidence c = 1 + A r\n"
	"  --seed S            random hold-out and ALS start [1]\n"
	"  --threads T         [the [analytics] threads setting, else the CPUs]\n"
	"Defaults also come from the [recommend] section of ecrm.conf (model, top,\n"
	"similar, weighting, exclude, neighbours, factors, iterations,\n"
	"regularization, alpha, cg_steps, seed).\n";

enum { M_POPULAR, M_ITEMKNN, M_ALS, M__COUNT };
static const char *const model_names[M__COUNT] = { "popular", "itemknn", "als" };

typedef struct {
	const char *model, *weighting, *exclude, *holdout, *input;
	bool evaluate;
	int64_t top, similar, k, last_orders, neighbours, threads, seed;
	int64_t factors, iterations, cg_steps;
	double test_fraction, regularization, alpha;
} options;

static const cli_option option_table[] = {
	{ "--model", CLI_OPT_STR, offsetof(options, model) },
	{ "--weighting", CLI_OPT_STR, offsetof(options, weighting) },
	{ "--exclude", CLI_OPT_STR, offsetof(options, exclude) },
	{ "--holdout", CLI_OPT_STR, offsetof(options, holdout) },
	{ "--input", CLI_OPT_STR, offsetof(options, input) },
	{ "--top", CLI_OPT_INT, offsetof(options, top) },
	{ "--similar", CLI_OPT_INT, offsetof(options, similar) },
	{ "--k", CLI_OPT_INT, offsetof(options, k) },
	{ "--last-orders", CLI_OPT_INT, offsetof(options, last_orders) },
	{ "--neighbours", CLI_OPT_INT, offsetof(options, neighbours) },
	{ "--threads", CLI_OPT_INT, offsetof(options, threads) },
	{ "--seed", CLI_OPT_INT, offsetof(options, seed) },
	{ "--factors", CLI_OPT_INT, offsetof(options, factors) },
	{ "--iterations", CLI_OPT_INT, offsetof(options, iterations) },
	{ "--cg-steps", CLI_OPT_INT, offsetof(options, cg_steps) },
	{ "--test-fraction", CLI_OPT_REAL, offsetof(options, test_fraction) },
	{ "--regularization", CLI_OPT_REAL, offsetof(options, regularization) },
	{ "--alpha", CLI_OPT_REAL, offsetof(options, alpha) },
};

static int model_index(const char *name)
{
	for (int i = 0; i < M__COUNT; i++) {
		if (strcmp(model_names[i], name) == 0)
			return i;
	}
	return -1;
}

static int parse_args(int argc, char **argv, options *o)
{
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--evaluate") == 0) {
			o->evaluate = true;
			continue;
		}
		if ((rc = cli_take_option(CMD, option_table, ARRAY_SIZE(option_table), argc, argv,
					  &i, o)))
			return rc;
	}
	if (!(model_index(o->model) >= 0 || (o->evaluate && strcmp(o->model, "all") == 0)))
		return cli_usage(CMD, "--model must be itemknn, als or popular%s, not '%s'",
				 o->evaluate ? " (or all)" : "", o->model);
	if (strcmp(o->weighting, "binary") && strcmp(o->weighting, "counts"))
		return cli_usage(CMD, "--weighting must be binary or counts, not '%s'",
				 o->weighting);
	if (strcmp(o->holdout, "random") && strcmp(o->holdout, "last"))
		return cli_usage(CMD, "--holdout must be random or last, not '%s'", o->holdout);
	if (o->input && !o->evaluate)
		return cli_usage(CMD, "--input is for --evaluate only (nothing is stored from a "
				      "file)");
	if (o->input && strcmp(o->holdout, "last") == 0)
		return cli_usage(CMD, "--holdout last needs orders with dates: not with --input");
	if (o->top < 1 || o->top > 1000 || o->similar < 0 || o->similar > 1000)
		return cli_usage(CMD, "--top must be 1 to 1000 and --similar 0 to 1000");
	if (o->k < 1 || o->k > 1000)
		return cli_usage(CMD, "--k must be 1 to 1000");
	if (!(o->test_fraction > 0 && o->test_fraction < 1))
		return cli_usage(CMD, "--test-fraction must be between 0 and 1");
	if (o->last_orders < 1 || o->last_orders > 1000000)
		return cli_usage(CMD, "--last-orders must be at least 1");
	if (o->neighbours < 1 || o->neighbours > 100000)
		return cli_usage(CMD, "--neighbours must be 1 to 100000");
	if (o->threads < 1 || o->threads > 64)
		return cli_usage(CMD, "--threads must be between 1 and 64");
	if (o->factors < 1 || o->factors > 1024 || o->iterations < 0 || o->iterations > 10000 ||
	    o->cg_steps < 1 || o->cg_steps > 64)
		return cli_usage(CMD, "--factors must be 1 to 1024, --iterations 0 to 10000, "
				      "--cg-steps 1 to 64");
	if (!(o->regularization >= 0 && o->regularization < 1e9) ||
	    !(o->alpha >= 0 && o->alpha < 1e9))
		return cli_usage(CMD, "--regularization and --alpha must be numbers >= 0");
	return CLI_OK;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(const cli_ctx *ctx, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void progress(const cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	fputs("recommend: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Splits "A,B,C" into a NULL-ended array (the strings point into `copy`). */
static const char **split_list(const char *list, char **copy)
{
	size_t n = 1, k = 0;
	const char **v;
	char *p;

	*copy = xstrdup(list ? list : "");
	for (p = *copy; *p; p++)
		n += *p == ',';
	v = xcalloc(n + 1, sizeof(*v));
	for (p = *copy; *p;) {
		char *end = p + strcspn(p, ",");
		bool last = *end == '\0';
		*end = '\0';
		if (*p)
			v[k++] = p;
		p = last ? end : end + 1;
	}
	return v;
}

/* A trained model of any kind behind one ranker. */
typedef struct {
	int kind;
	itemknn_model knn;
	als_model als;
	rec_ranker ranker;
	double fit_s;
} trained;

static status train(const options *o, int kind, const rec_matrix *m, trained *t, err *e)
{
	double t0 = now_s();
	status rc = E_OK;

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	if (kind == M_POPULAR) {
		rec_ranker_popular(&t->ranker, m, (int)o->threads);
	} else if (kind == M_ITEMKNN) {
		itemknn_params p = { .k = (uint32_t)o->neighbours, .threads = (int)o->threads };
		if (!(rc = itemknn_fit(m, &p, &t->knn, e)))
			rec_ranker_itemknn(&t->ranker, &t->knn, m, (int)o->threads);
	} else {
		als_params p;
		als_params_default(&p);
		p.factors = (uint32_t)o->factors;
		p.iterations = (uint32_t)o->iterations;
		p.cg_steps = (uint32_t)o->cg_steps;
		p.regularization = (float)o->regularization;
		p.alpha = (float)o->alpha;
		p.seed = (uint64_t)o->seed;
		p.threads = (int)o->threads;
		if (!(rc = als_fit(m, &p, &t->als, e)))
			rec_ranker_als(&t->ranker, &t->als, m, (int)o->threads);
	}
	t->fit_s = now_s() - t0;
	return rc;
}

static void trained_release(trained *t)
{
	rec_ranker_release(&t->ranker);
	itemknn_release(&t->knn);
	als_release(&t->als);
}

/* ---- --evaluate ---- */

static int evaluate(cli_ctx *ctx, const options *o, const rec_matrix *train_m,
		    const rec_matrix *test_m, const char *source)
{
	json_t *root = json_object(), *models = json_array();
	int rc = CLI_OK;
	err e;

	err_clear(&e);
	json_object_set_new(root, "source", json_string(source));
	json_object_set_new(root, "users", json_integer(train_m->n_rows));
	json_object_set_new(root, "items", json_integer(train_m->n_cols));
	json_object_set_new(root, "train_interactions", json_integer((json_int_t)train_m->nnz));
	json_object_set_new(root, "test_interactions", json_integer((json_int_t)test_m->nnz));
	json_object_set_new(root, "holdout", json_string(o->holdout));
	if (strcmp(o->holdout, "random") == 0)
		json_object_set_new(root, "test_fraction", json_real(o->test_fraction));
	else
		json_object_set_new(root, "last_orders", json_integer(o->last_orders));
	json_object_set_new(root, "k", json_integer(o->k));
	if (!ctx->json)
		printf("%u users x %u items; training %zu, held out %zu (%s)\n\n"
		       "%-9s %8s %12s %10s %8s %7s %8s\n",
		       train_m->n_rows, train_m->n_cols, train_m->nnz, test_m->nnz,
		       strcmp(o->holdout, "random") ? "the last orders" : "random per user",
		       "model", "users", "precision@k", "recall@k", "NDCG@k", "hit@k", "fit s");
	for (int kind = 0; kind < M__COUNT; kind++) {
		trained t;
		rec_metrics m;
		if (strcmp(o->model, "all") && kind != model_index(o->model) && kind != M_POPULAR)
			continue;
		if (train(o, kind, train_m, &t, &e)) {
			trained_release(&t);
			rc = cli_fail(&e);
			goto out;
		}
		rec_evaluate(test_m, (uint32_t)o->k, &t.ranker, (int)o->threads, &m);
		progress(ctx, "%s: fitted in %.2f s", model_names[kind], t.fit_s);
		json_array_append_new(
			models, json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:f}", "model",
					  model_names[kind], "users", (json_int_t)m.users,
					  "precision", m.precision, "recall", m.recall, "ndcg",
					  m.ndcg, "hit_rate", m.hit_rate, "fit_seconds", t.fit_s));
		if (!ctx->json)
			printf("%-9s %8zu %12.4f %10.4f %8.4f %7.4f %8.2f\n", model_names[kind],
			       m.users, m.precision, m.recall, m.ndcg, m.hit_rate, t.fit_s);
		trained_release(&t);
	}
	json_object_set(root, "models", models);
	if (ctx->json) {
		json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(12));
		fputc('\n', stdout);
	}
out:
	json_decref(models);
	json_decref(root);
	return rc;
}

static int evaluate_file(cli_ctx *ctx, const options *o)
{
	rec_matrix m = { 0 }, tr = { 0 }, te = { 0 };
	baskets b;
	int rc;
	err e;

	err_clear(&e);
	if ((strcmp(o->input, "-") == 0 ? baskets_read_stream(stdin, "stdin", NULL, &b, &e)
					: baskets_read(o->input, NULL, &b, &e)) ||
	    (b.n_baskets >= REC_NONE && err_set(&e, E_TOOBIG, "%s: too many baskets", o->input)) ||
	    rec_matrix_from_rows((uint32_t)b.n_baskets, b.n_items, b.offsets, b.items, NULL, &m,
				 &e)) {
		baskets_release(&b);
		return cli_fail(&e);
	}
	baskets_release(&b);
	rec_split_random(&m, o->test_fraction, (uint64_t)o->seed, &tr, &te);
	rc = evaluate(ctx, o, &tr, &te, "file");
	rec_matrix_release(&m);
	rec_matrix_release(&tr);
	rec_matrix_release(&te);
	return rc;
}

/* ---- training on everything, with reasons ---- */

/* The stored rules (product ids) over the matrix's dense product indexes. */
static void rules_dense(const recs_rule_index *ri, const baskets_db *d, rec_rules *out)
{
	uint32_t *cons = xmalloc((ri->n + 1) * sizeof(*cons));
	uint32_t *ante = xmalloc((ri->offsets[ri->n] + 1) * sizeof(*ante));

	for (size_t r = 0; r < ri->n; r++)
		cons[r] = baskets_db_product_index(d, ri->consequent[r]);
	for (size_t a = 0; a < ri->offsets[ri->n]; a++)
		ante[a] = baskets_db_product_index(d, ri->antecedent[a]);
	rec_rules_build(out, d->n_products, ri->n, cons, ri->offsets, ante, ri->confidence,
			ri->lift);
	free(ante);
	free(cons);
}

static const recs_reason reason_of[] = { [REC_WHY_RULE] = RECS_RULE,
					 [REC_WHY_SIMILAR] = RECS_SIMILAR,
					 [REC_WHY_POPULAR] = RECS_POPULAR };

static json_t *reasons_json(const size_t *count)
{
	json_t *o = json_object();
	for (int r = RECS_RULE; r <= RECS_POPULAR; r++)
		json_object_set_new(o, recs_reason_name((recs_reason)r),
				    json_integer((json_int_t)count[r]));
	return o;
}

/* Trains on everything, stores recommendations and similar products. */
static int train_and_store(cli_ctx *ctx, const options *o)
{
	int kind = model_index(o->model);
	int64_t started = (int64_t)time(NULL), computed_at;
	baskets_db d = { 0 };
	baskets_db_options dbo = { 0 };
	rec_matrix m = { 0 };
	trained t = { 0 }, knn = { 0 };
	recs_rule_index ri = { 0 };
	rec_rules rules = { 0 };
	uint32_t *users = NULL, *top = NULL, top_n = (uint32_t)o->top;
	float *score = NULL;
	recs_rec *recs = NULL;
	recs_similar *sims = NULL;
	size_t n_recs = 0, n_sims = 0, reasons[3] = { 0 };
	const char **exclude = NULL;
	char *exclude_copy = NULL;
	json_t *res = NULL, *params = NULL;
	store *st = NULL;
	double t0 = now_s();
	int rc = CLI_OK;
	err e;

	err_clear(&e);
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	exclude = split_list(o->exclude, &exclude_copy);
	dbo.exclude_skus = exclude;
	if (baskets_db_load(st, &dbo, &d, &e) ||
	    baskets_db_user_items(&d, strcmp(o->weighting, "counts") ? REC_BINARY : REC_COUNTS, &m,
				  &e))
		goto fail;
	progress(ctx, "%u customers x %u products, %zu purchases (%zu order lines) in %.2f s",
		 m.n_rows, m.n_cols, m.nnz, d.n_lines, now_s() - t0);
	/* Item-kNN always: it gives the similar products and the reasons. */
	if (train(o, M_ITEMKNN, &m, &knn, &e))
		goto fail;
	progress(ctx, "itemknn: fitted in %.2f s", knn.fit_s);
	if (kind != M_ITEMKNN) {
		if (train(o, kind, &m, &t, &e))
			goto fail;
		progress(ctx, "%s: fitted in %.2f s", model_names[kind], t.fit_s);
	}
	if (recs_rules_load(st, &ri, &e))
		goto fail;
	rules_dense(&ri, &d, &rules);

	users = xmalloc(((size_t)m.n_rows + 1) * sizeof(*users));
	for (uint32_t u = 0; u < m.n_rows; u++)
		users[u] = u;
	top = xmalloc(((size_t)m.n_rows + 1) * top_n * sizeof(*top));
	score = xmalloc(((size_t)m.n_rows + 1) * top_n * sizeof(*score));
	rec_rank_users(kind == M_ITEMKNN ? &knn.ranker : &t.ranker, users, m.n_rows, top_n,
		       (int)o->threads, top, score);
	recs = xmalloc(((size_t)m.n_rows + 1) * top_n * sizeof(*recs));
	for (uint32_t u = 0; u < m.n_rows; u++) {
		for (uint32_t r = 0; r < top_n; r++) {
			uint32_t y = top[(size_t)u * top_n + r];
			recs_rec *x = &recs[n_recs];
			rec_why w;
			if (y == REC_NONE)
				break;
			w = rec_explain(&rules, &knn.knn, &m, u, y);
			*x = (recs_rec){ .customer_id = d.customer_id[u],
					 .product_id = d.product_id[y],
					 .rank = r + 1,
					 .score = score[(size_t)u * top_n + r],
					 .reason = reason_of[w.kind],
					 .reason_value = w.value,
					 .reason_lift = w.lift };
			if (w.kind == REC_WHY_RULE) {
				x->reason_products = ri.antecedent + ri.offsets[w.rule];
				x->n_reason_products =
					(uint32_t)(ri.offsets[w.rule + 1] - ri.offsets[w.rule]);
			} else if (w.kind == REC_WHY_SIMILAR) {
				x->reason_products = &d.product_id[w.item];
				x->n_reason_products = 1;
			}
			reasons[reason_of[w.kind]]++;
			n_recs++;
		}
	}
	sims = xmalloc((knn.knn.offsets[m.n_cols] + 1) * sizeof(*sims));
	for (uint32_t i = 0; i < m.n_cols; i++) {
		size_t lo = knn.knn.offsets[i], hi = knn.knn.offsets[i + 1];
		for (size_t a = lo; a < hi && a - lo < (size_t)o->similar; a++)
			sims[n_sims++] =
				(recs_similar){ d.product_id[i], d.product_id[knn.knn.neighbour[a]],
						(uint32_t)(a - lo + 1), knn.knn.similarity[a] };
	}
	computed_at = (int64_t)time(NULL);
	if (recs_recommendations_replace(st, recs, n_recs, model_names[kind], computed_at, &e) ||
	    recs_similar_replace(st, sims, n_sims, computed_at, &e))
		goto fail;

	params = json_pack("{s:s, s:s, s:I, s:I}", "model", model_names[kind], "weighting",
			   o->weighting, "top", (json_int_t)o->top, "similar",
			   (json_int_t)o->similar);
	json_object_set_new(params, "neighbours", json_integer(o->neighbours));
	if (kind == M_ALS)
		json_object_set_new(params, "als",
				    json_pack("{s:I, s:I, s:f, s:f, s:I, s:I}", "factors",
					      (json_int_t)o->factors, "iterations",
					      (json_int_t)o->iterations, "regularization",
					      o->regularization, "alpha", o->alpha, "cg_steps",
					      (json_int_t)o->cg_steps, "seed",
					      (json_int_t)o->seed));
	res = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "customers", (json_int_t)m.n_rows,
			"products", (json_int_t)m.n_cols, "purchases", (json_int_t)m.nnz,
			"recommendations", (json_int_t)n_recs, "similar", (json_int_t)n_sims,
			"rules_known", (json_int_t)ri.n);
	json_object_set_new(res, "reasons", reasons_json(reasons));
	json_object_set_new(res, "fit_seconds", json_real(kind == M_ITEMKNN ? knn.fit_s : t.fit_s));
	{
		char *p =
			json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
		char *r = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
		status src = scores_record_run(st, "recommend", snapshot_day(computed_at), p, r,
					       started, (int64_t)time(NULL), NULL, &e);
		free(p);
		free(r);
		if (src)
			goto fail;
	}
	if (ctx->json) {
		json_object_set(res, "params", params);
		json_dumpf(res, stdout, JSON_COMPACT | JSON_REAL_PRECISION(12));
		fputc('\n', stdout);
	} else {
		printf("%s recommendations for %u customers over %u products (%zu purchases)\n"
		       "  stored     %zu recommendations (top %" PRId64 " each), %zu similar "
		       "products\n"
		       "  reasons    %zu basket rules, %zu similar products, %zu popularity\n",
		       model_names[kind], m.n_rows, m.n_cols, m.nnz, n_recs, o->top, n_sims,
		       reasons[RECS_RULE], reasons[RECS_SIMILAR], reasons[RECS_POPULAR]);
		if (!ri.n)
			printf("  (no basket rules stored: run `ecrm analyze basket` for rule "
			       "reasons)\n");
	}
	goto out;
fail:
	rc = cli_fail(&e);
out:
	json_decref(params);
	json_decref(res);
	free(users);
	free(top);
	free(score);
	free(recs);
	free(sims);
	rec_rules_release(&rules);
	recs_rule_index_release(&ri);
	trained_release(&t);
	trained_release(&knn);
	rec_matrix_release(&m);
	baskets_db_release(&d);
	free(exclude);
	free(exclude_copy);
	store_close(st);
	return rc;
}

static int evaluate_db(cli_ctx *ctx, const options *o)
{
	baskets_db d = { 0 };
	baskets_db_options dbo = { 0 };
	rec_matrix m = { 0 }, tr = { 0 }, te = { 0 };
	rec_weighting w = strcmp(o->weighting, "counts") ? REC_BINARY : REC_COUNTS;
	const char **exclude = NULL;
	char *exclude_copy = NULL;
	store *st = NULL;
	int rc = CLI_OK;
	err e;

	err_clear(&e);
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	exclude = split_list(o->exclude, &exclude_copy);
	dbo.exclude_skus = exclude;
	if (baskets_db_load(st, &dbo, &d, &e))
		goto fail;
	if (strcmp(o->holdout, "last") == 0) {
		rec_orders ord = baskets_db_orders(&d);
		if (rec_split_last_orders(&ord, (uint32_t)o->last_orders, w, &tr, &te, &e))
			goto fail;
	} else {
		if (baskets_db_user_items(&d, w, &m, &e))
			goto fail;
		rec_split_random(&m, o->test_fraction, (uint64_t)o->seed, &tr, &te);
	}
	rc = evaluate(ctx, o, &tr, &te, "database");
	goto out;
fail:
	rc = cli_fail(&e);
out:
	rec_matrix_release(&m);
	rec_matrix_release(&tr);
	rec_matrix_release(&te);
	baskets_db_release(&d);
	free(exclude);
	free(exclude_copy);
	store_close(st);
	return rc;
}

int cmd_analyze_recommend(cli_ctx *ctx, int argc, char **argv)
{
	const config *cfg = ctx->cfg;
	options o = {
		.model = config_str(cfg, "recommend", "model", "itemknn"),
		.weighting = config_str(cfg, "recommend", "weighting", "binary"),
		.exclude = config_str(cfg, "recommend", "exclude", ""),
		.holdout = "random",
		.top = config_int(cfg, "recommend", "top", 10),
		.similar = config_int(cfg, "recommend", "similar", 10),
		.k = 10,
		.last_orders = 1,
		.neighbours = config_int(cfg, "recommend", "neighbours", 50),
		.threads = config_int(cfg, "analytics", "threads", parallel_cpus()),
		.seed = config_int(cfg, "recommend", "seed", 1),
		.factors = config_int(cfg, "recommend", "factors", 64),
		.iterations = config_int(cfg, "recommend", "iterations", 15),
		.cg_steps = config_int(cfg, "recommend", "cg_steps", 3),
		.test_fraction = 0.2,
		.regularization = config_double(cfg, "recommend", "regularization", 10),
		.alpha = config_double(cfg, "recommend", "alpha", 1),
	};
	int rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	/* --evaluate compares every model unless told otherwise. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--evaluate") == 0)
			o.model = "all";
	}
	if ((rc = parse_args(argc, argv, &o)))
		return rc;
	if (!o.evaluate)
		return train_and_store(ctx, &o);
	return o.input ? evaluate_file(ctx, &o) : evaluate_db(ctx, &o);
}
