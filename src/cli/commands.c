/* commands.c: the table of `ecrm` subcommands and helpers they share. */
#include "cli/cli.h"
#include "domain/audit.h"
#include "domain/pii.h"

#include <pwd.h>
#include <unistd.h>

const cli_command cli_commands[] = {
	{ "demo", cmd_demo, "fill an empty database with a generated online shop",
	  "usage: ecrm demo [--customers N] [--seed S] [--months M] [--end DATE] [--batch N]\n"
	  "\nWrites a realistic online shop into an empty database: customers in the UK,\n"
	  "China (Chinese names) and the US with ~1.5 % near-duplicates, a catalogue of\n"
	  "~250 products, seasonal orders with BG/NBD repeat buying, returns, refunds\n"
	  "and interactions on every channel. Money is in one shop currency, GBP.\n"
	  "The same options and seed give the same shop.\n"
	  "\n  --customers N  customers to create (default 2000; 1000000 gives ~10M order lines)"
	  "\n  --seed S       random seed (default 1)"
	  "\n  --months M     months of history (default 24)"
	  "\n  --end DATE     last day of the history, YYYY-MM-DD (default: up to now)"
	  "\n  --batch N      rows per transaction (default 10000)\n"
	  "\nProgress goes to stderr every few seconds unless --quiet; --json prints the\n"
	  "summary as JSON.\n" },
	{ "help", cmd_help, "show help for ecrm or one command",
	  "usage: ecrm help [COMMAND]\n" },
	{ "init", cmd_init, "create a database and bring its schema up to date",
	  "usage: ecrm init [--db PATH]\n"
	  "\nCreates the database when it does not exist and applies every pending\n"
	  "migration. Safe to run again.\n" },
	{ "stats", cmd_stats, "count customers, orders, products, returns ...",
	  "usage: ecrm stats [--json]\n"
	  "\nCounts the records in the database: customers, guest orders, orders,\n"
	  "order items, products, returns and interactions.\n" },
	{ "import", cmd_import, "import orders or customers from a CSV file",
	  "usage: ecrm import orders|customers FILE [options]\n"
	  "\nImports a shop's history. The format is detected from the header.\n"
	  "Importing the same file again changes nothing; an updated file updates\n"
	  "what changed. Bad rows are reported with line, column and reason, and\n"
	  "written to FILE.errors.csv; good rows are kept.\n"
	  "\nOptions:\n"
	  "  --format F         orders: auto, uci, transactions, shopify, woocommerce\n"
	  "                     customers: auto, generic, shopify, woocommerce\n"
	  "  --map COLUMN=FIELD take FIELD (customer, date, amount, email ...) from\n"
	  "                     COLUMN (a header name or a 1-based column number)\n"
	  "  --dry-run          check and count, write nothing\n"
	  "  --date-order O     mdy (default), dmy or ymd for dates like 04/05/2026\n"
	  "  --date-format L    an explicit layout, e.g. %Y%m%d or %d.%m.%Y %H:%M\n"
	  "  --currency C       when the file does not say (uci: GBP, else USD)\n"
	  "  --region R         country for phone numbers without +code (default GB)\n"
	  "  --errors PATH      where bad rows go (default FILE.errors.csv)\n"
	  "  --batch N          rows per transaction (default 20000)\n"
	  "\nDefaults come from the [import] section of ecrm.conf.\n" },
	{ "customers", cmd_customers, "list, show, search, de-duplicate and merge customers",
	  "usage: ecrm customers list [--limit N] [--after ID]\n"
	  "       ecrm customers show ID\n"
	  "       ecrm customers search TEXT [--limit N]\n"
	  "       ecrm customers duplicates [--min-score S] [--limit N]\n"
	  "       ecrm customers merge KEEP OTHER\n"
	  "       ecrm customers unmerge OTHER\n"
	  "\nsearch matches a name fragment (Chinese included), an exact email,\n"
	  "phone (E.164) or shop id. duplicates lists likely pairs: similar names\n"
	  "at one postcode or with one phone, scored 0..1 (default at least 0.85).\n"
	  "merge moves OTHER's orders, returns and interactions to KEEP and fills\n"
	  "KEEP's empty fields; unmerge undoes it.\n" },
	{ "serve", cmd_serve, "run the web UI and the REST API",
	  "usage: ecrm serve [--listen HOST:PORT] [--threads N]\n"
	  "\nServes the web UI at / and the REST API at /api on HOST:PORT (default\n"
	  "127.0.0.1:8080; port 0 picks a free one) with N worker threads (default 2).\n"
	  "Stops on SIGTERM or SIGINT after the requests in flight finish. Settings:\n"
	  "[http] and [auth] in ecrm.conf.\n" },
	{ "user", cmd_user, "add, list, disable users; set passwords",
	  "usage: ecrm user add EMAIL --role ROLE [--name NAME]\n"
	  "       ecrm user list\n"
	  "       ecrm user passwd EMAIL\n"
	  "       ecrm user role EMAIL ROLE\n"
	  "       ecrm user disable|enable EMAIL\n"
	  "\nRoles: viewer, analyst, marketer, agent, manager, admin. A password is read\n"
	  "from standard input when it is not a terminal, else prompted for twice.\n" },
	{ "apikey", cmd_apikey, "create, list, revoke API keys",
	  "usage: ecrm apikey create --role ROLE [--name NAME]\n"
	  "       ecrm apikey list\n"
	  "       ecrm apikey revoke ID\n"
	  "\nThe key is printed once; only its hash is stored. Send it as\n"
	  "`Authorization: Bearer KEY`.\n" },
	{ "audit", cmd_audit, "show or verify the audit log",
	  "usage: ecrm audit verify\n"
	  "       ecrm audit list [--limit N]\n"
	  "\nverify walks the hash chain and names the first entry that was changed,\n"
	  "removed or inserted; it prints the head hash to keep somewhere else.\n" },
	{ "analyze", cmd_analyze, "scores (RFM, CLV, churn ...), baskets, recommendations",
	  "usage: ecrm analyze [all|rfm|tiers|clv|churn|lifecycle|clusters ...] [--as-of DATE]\n"
	  "                    [--calibration-end DATE] [--period day|week|month]\n"
	  "                    [--horizon N] [--clv-step day|week|month] [--discount-rate R]\n"
	  "                    [--threads N] [--k K] [--json]\n"
	  "\nRuns the customer analytics models (all by default) on the orders placed\n"
	  "before the as-of day (default: the day after the last order), stores the\n"
	  "results per customer in customer_scores and a summary per model in\n"
	  "analytics_runs, and prints the summaries. Defaults come from the\n"
	  "[analytics] section of the config (threads, k, seed, margin_ratio,\n"
	  "key_share, normal_share, lifecycle_*, period, horizon, clv_step,\n"
	  "discount_rate, clv_margin, churn_*; docs/analytics.md).\n"
	  "  --k K      clusters for `clusters` (default: best silhouette in 2..8)\n"
	  "  clv: BG/NBD + Gamma-Gamma. --period is the time unit (purchases are\n"
	  "  counted per customer-day); --horizon N periods ahead (default 52);\n"
	  "  --calibration-end DATE fits on orders to DATE and checks the\n"
	  "  predictions against the orders after it.\n"
	  "\n       ecrm analyze basket [...]     association rules (see --help)\n"
	  "       ecrm analyze recommend [...]  recommendations (see --help)\n" },
	{ "rekey", cmd_rekey, "rotate the key that seals personal data",
	  "usage: ecrm rekey\n"
	  "\nMakes a new key, re-seals every personal field (emails, phones,\n"
	  "addresses, birth dates) and blind index with it in one transaction,\n"
	  "then replaces the key file (the old one is kept as KEYFILE.old until\n"
	  "you delete it). Not for keys given in ECRM_KEY: rotate those yourself.\n" },
	{ NULL, NULL, NULL, NULL },
};

const cli_command *cli_find(const char *name)
{
	for (const cli_command *c = cli_commands; c->name; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

store *cli_open_store(cli_ctx *ctx, int flags)
{
	store *st = NULL;
	err e;

	err_clear(&e);
	if (store_open(ctx->db_uri, flags, &st, &e) ||
	    (!(flags & STORE_NO_MIGRATE) &&
	     ((!ctx->keys && pii_keys_load(ctx->cfg, ctx->db_uri, &ctx->keys, &e)) ||
	      pii_attach(st, ctx->keys, &e)))) {
		cli_fail(&e);
		store_close(st);
		return NULL;
	}
	return st;
}

const struct pii_keys *cli_keys(const cli_ctx *ctx)
{
	return ctx->keys;
}

int cli_fail(const err *e)
{
	fprintf(stderr, "ecrm: %s\n", e->msg[0] ? e->msg : status_name(e->code));
	return CLI_FAIL;
}

const char *cli_actor(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(getuid());

	snprintf(buf, n, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	return buf;
}

int cli_audit(store *st, const char *action, const char *kind, int64_t id, const char *detail)
{
	char actor[96], target[64];
	audit_entry en = { .actor = cli_actor(actor, sizeof(actor)),
			   .action = action,
			   .target = target,
			   .address = "cli",
			   .detail = detail };
	err e;

	snprintf(target, sizeof(target), "%s:%" PRId64, kind, id);
	if (audit_record(st, &en, &e))
		return cli_fail(&e);
	return CLI_OK;
}

int cli_audit_commit(store *st, const char *action, const char *kind, int64_t id,
		     const char *detail)
{
	err e;
	int rc;

	if ((rc = cli_audit(st, action, kind, id, detail))) {
		store_rollback(st);
		return rc;
	}
	if (store_commit(st, &e))
		return cli_fail(&e);
	return CLI_OK;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ecrm %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see `ecrm help %s`)\n", cmd);
	return CLI_USAGE;
}
