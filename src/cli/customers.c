/* customers.c: `ecrm customers list|show|search|duplicates|merge|unmerge`. */
#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/customer.h"
#include "domain/customer_query.h"
#include "domain/customer_view.h"
#include "ingest/duplicates.h"
#include "ingest/merge.h"

#include <jansson.h>

typedef int (*sub_fn)(cli_ctx *ctx, store *st, int argc, char **argv);

/* Minor units as "1234.56" (two decimals: the CLI shows amounts as stored). */
static const char *money(char *buf, size_t size, int64_t minor)
{
	int64_t abs = minor < 0 ? -minor : minor;
	snprintf(buf, size, "%s%" PRId64 ".%02" PRId64, minor < 0 ? "-" : "", abs / 100, abs % 100);
	return buf;
}

static json_t *row_json(const customer_row *r)
{
	return json_pack("{sI ss? ss? ss? ss? ss? ss? sI sI sI}", "id", (json_int_t)r->id, "external_id",
			 r->external_id, "name", r->name, "email", r->email, "phone", r->phone,
			 "city", r->city, "country", r->country, "orders", (json_int_t)r->orders,
			 "revenue", (json_int_t)r->revenue, "last_order_at",
			 (json_int_t)r->last_order_at);
}

static void print_rows(cli_ctx *ctx, const customer_row *rows, size_t n)
{
	if (ctx->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, row_json(&rows[i]));
		json_dumpf(arr, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(arr);
		return;
	}
	printf("%8s  %-12s %-28s %-28s %7s %12s\n", "id", "shop id", "name", "email", "orders",
	       "revenue");
	for (size_t i = 0; i < n; i++) {
		const customer_row *r = &rows[i];
		char m[32];
		printf("%8" PRId64 "  %-12.12s %-28.28s %-28.28s %7" PRId64 " %12s\n", r->id,
		       r->external_id ? r->external_id : "", r->name ? r->name : "",
		       r->email ? r->email : "", r->orders, money(m, sizeof(m), r->revenue));
	}
}

/* list [--limit N] [--after ID] and search TEXT [--limit N] */
static int run_query(cli_ctx *ctx, store *st, int argc, char **argv, bool search)
{
	customer_query q = { 0 };
	customer_row *rows;
	size_t n;
	arena a;
	err e;
	int rc = CLI_OK;

	for (int i = 1; i < argc; i++) {
		int64_t limit;
		if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (!number_parse(argv[++i], 1, 1000, &limit))
				return cli_usage("customers", "--limit wants 1 to 1000, not '%s'",
						 argv[i]);
			q.limit = (int)limit;
		} else if (strcmp(argv[i], "--after") == 0 && i + 1 < argc) {
			if (!number_parse(argv[++i], 0, INT64_MAX, &q.after_id))
				return cli_usage("customers", "--after wants a customer id, not '%s'",
						 argv[i]);
		} else if (search && !q.q && argv[i][0] != '-') {
			q.q = argv[i];
		} else {
			return cli_usage("customers", "unexpected argument '%s'", argv[i]);
		}
	}
	if (search && !q.q)
		return cli_usage("customers", "search needs TEXT (a name fragment, email, phone or id)");
	arena_init(&a, 0);
	if (customer_search(st, &q, &a, &rows, &n, &e))
		rc = cli_fail(&e);
	else
		print_rows(ctx, rows, n);
	if (!rc && !ctx->json && n == (size_t)(q.limit ? q.limit : 50))
		printf("(more: --after %" PRId64 ")\n", rows[n - 1].id);
	arena_release(&a);
	return rc;
}

static int sub_list(cli_ctx *ctx, store *st, int argc, char **argv)
{
	return run_query(ctx, st, argc, argv, false);
}

static int sub_search(cli_ctx *ctx, store *st, int argc, char **argv)
{
	return run_query(ctx, st, argc, argv, true);
}

static int sub_show(cli_ctx *ctx, store *st, int argc, char **argv)
{
	customer_head h;
	const customer *c = &h.c;
	const customer_totals *t = &h.totals;
	int64_t id;
	arena a;
	err e;
	int rc = CLI_OK;
	char first[32] = "-", last[32] = "-";

	if (argc != 2 || !number_parse(argv[1], 1, INT64_MAX, &id))
		return cli_usage("customers", "show needs one customer ID");
	arena_init(&a, 0);
	if (customer_head_load(st, id, &a, &h, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	if (t->first_order_at)
		datetime_format_date(t->first_order_at, first, sizeof(first));
	if (t->last_order_at)
		datetime_format_date(t->last_order_at, last, sizeof(last));
	if (ctx->json) {
		json_t *j = json_pack(
			"{sI ss? ss? ss? ss? ss? ss? ss? ss? ss? ss? ss? so so sI s{sI sI sI sI ss ss}}", "id",
			(json_int_t)c->id, "external_id", c->external_id, "name", c->name, "email",
			c->email, "phone", c->phone, "gender", c->gender, "birth_date", c->birth_date,
			"address", c->address, "postcode", c->postcode, "city", c->city, "region",
			c->region, "country", c->country, "tags", json_loads(c->tags, 0, NULL),
			"attributes", json_loads(c->attributes, 0, NULL), "merged_into",
			(json_int_t)c->merged_into, "totals", "orders", (json_int_t)t->orders,
			"revenue", (json_int_t)t->revenue, "returns", (json_int_t)t->returns,
			"interactions", (json_int_t)t->interactions, "first_order", first,
			"last_order", last);
		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
		goto out;
	}
	printf("customer %" PRId64 "%s\n", c->id, c->merged_into ? " (merged away)" : "");
	if (c->merged_into)
		printf("  merged into  %" PRId64 "\n", c->merged_into);
	const struct {
		const char *label, *value;
	} fields[] = { { "shop id", c->external_id }, { "name", c->name },     { "email", c->email },
		       { "phone", c->phone },         { "gender", c->gender }, { "birth date", c->birth_date },
		       { "address", c->address },     { "postcode", c->postcode }, { "city", c->city },
		       { "region", c->region },       { "country", c->country }, { "tags", c->tags },
		       { "attributes", c->attributes } };
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (fields[i].value && *fields[i].value)
			printf("  %-12s %s\n", fields[i].label, fields[i].value);
	}
	char m[32];
	printf("  %-12s %" PRId64 " (first %s, last %s)\n", "orders", t->orders, first, last);
	printf("  %-12s %s\n", "net revenue", money(m, sizeof(m), t->revenue));
	printf("  %-12s %" PRId64 "\n  %-12s %" PRId64 "\n", "returns", t->returns,
	       "interactions", t->interactions);
out:
	arena_release(&a);
	return rc;
}

static int sub_duplicates(cli_ctx *ctx, store *st, int argc, char **argv)
{
	double min_score = 0.85;
	size_t max = 100, n;
	duplicate_pair *p;
	err e;

	for (int i = 1; i < argc; i++) {
		int64_t limit;
		if (strcmp(argv[i], "--min-score") == 0 && i + 1 < argc) {
			if (!number_parse_real(argv[++i], 0, 1, &min_score))
				return cli_usage("customers", "--min-score wants 0 to 1, not '%s'",
						 argv[i]);
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (!number_parse(argv[++i], 1, 100000, &limit))
				return cli_usage("customers", "--limit wants 1 to 100000, not '%s'",
						 argv[i]);
			max = (size_t)limit;
		} else {
			return cli_usage("customers", "unexpected argument '%s'", argv[i]);
		}
	}
	if (duplicates_find(st, min_score, max, &p, &n, &e))
		return cli_fail(&e);
	if (ctx->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{sI sI sf sf sb sb}", "a",
							     (json_int_t)p[i].a, "b", (json_int_t)p[i].b,
							     "score", p[i].score, "name_similarity",
							     p[i].name_similarity, "same_phone",
							     p[i].same_phone, "same_postcode",
							     p[i].same_postcode));
		json_dumpf(arr, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(arr);
	} else {
		printf("%8s %8s  %5s  %s\n", "id", "id", "score", "why");
		for (size_t i = 0; i < n; i++)
			printf("%8" PRId64 " %8" PRId64 "  %5.2f  name %.2f%s%s\n", p[i].a, p[i].b,
			       p[i].score, p[i].name_similarity, p[i].same_phone ? ", same phone" : "",
			       p[i].same_postcode ? ", same postcode" : "");
		if (n)
			printf("merge with: ecrm customers merge KEEP OTHER\n");
	}
	free(p);
	return CLI_OK;
}

static int sub_merge(cli_ctx *ctx, store *st, int argc, char **argv)
{
	int64_t keep, other, merge_id = 0;
	err e;

	if (argc != 3 || !number_parse(argv[1], 1, INT64_MAX, &keep) ||
	    !number_parse(argv[2], 1, INT64_MAX, &other))
		return cli_usage("customers", "merge needs KEEP and OTHER customer ids");
	if (customer_merge(st, keep, other, "cli", &merge_id, &e))
		return cli_fail(&e);
	if (ctx->json)
		printf("{\"merge\":%" PRId64 ",\"keep\":%" PRId64 ",\"other\":%" PRId64 "}\n", merge_id,
		       keep, other);
	else
		printf("merged customer %" PRId64 " into %" PRId64
		       " (undo: ecrm customers unmerge %" PRId64 ")\n",
		       other, keep, other);
	return CLI_OK;
}

static int sub_unmerge(cli_ctx *ctx, store *st, int argc, char **argv)
{
	int64_t other;
	err e;

	(void)ctx;
	if (argc != 2 || !number_parse(argv[1], 1, INT64_MAX, &other))
		return cli_usage("customers", "unmerge needs the id of the merged-away customer");
	if (customer_unmerge(st, other, &e))
		return cli_fail(&e);
	printf("customer %" PRId64 " is separate again\n", other);
	return CLI_OK;
}

static const struct {
	const char *name;
	sub_fn run;
} subs[] = {
	{ "list", sub_list },
	{ "show", sub_show },
	{ "search", sub_search },
	{ "duplicates", sub_duplicates },
	{ "merge", sub_merge },
	{ "unmerge", sub_unmerge },
};

int cmd_customers(cli_ctx *ctx, int argc, char **argv)
{
	store *st;
	int rc;

	if (argc < 2)
		return cli_usage("customers", "give list, show, search, duplicates, merge or unmerge");
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		if (strcmp(argv[1], subs[i].name) != 0)
			continue;
		if (!(st = cli_open_store(ctx, 0)))
			return CLI_FAIL;
		rc = subs[i].run(ctx, st, argc - 1, argv + 1);
		store_close(st);
		return rc;
	}
	return cli_usage("customers", "'%s' is not list, show, search, duplicates, merge or unmerge",
			 argv[1]);
}
