/* audit.c: `ecrm audit verify|list`. */
#include "cli/cli.h"
#include "core/json.h"
#include "domain/audit.h"

#include <time.h>

static int verify(store *st)
{
	char head[AUDIT_HASH_SIZE];
	int64_t checked, bad;
	err e;
	status rc;

	err_clear(&e);
	rc = audit_verify(st, &checked, &bad, head, &e);
	if (rc == E_CONFLICT) {
		printf("TAMPERED: %s\n", e.msg);
		printf("first bad entry: %" PRId64 " (%" PRId64 " entries before it are intact)\n",
		       bad, checked);
		return CLI_FAIL;
	}
	if (rc)
		return cli_fail(&e);
	printf("audit log intact: %" PRId64 " entries\nhead %s\n", checked, head);
	return CLI_OK;
}

static int list(cli_ctx *ctx, int argc, char **argv)
{
	int64_t limit = 50;
	audit_entry *v;
	store *st;
	size_t n;
	arena a;
	err e;
	int rc = CLI_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (!number_parse(argv[++i], 1, 1000000, &limit))
				return cli_usage("audit", "--limit wants 1 to 1000000, not '%s'",
						 argv[i]);
		} else {
			return cli_usage("audit", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	arena_init(&a, 0);
	if (audit_list(st, &a, 0, (size_t)limit, &v, &n, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	for (size_t i = n; i-- > 0;) {
		char when[32];
		time_t t = (time_t)v[i].at;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (ctx->json) {
			json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
					      (json_int_t)v[i].id, "at", when, "actor", v[i].actor,
					      "action", v[i].action, "target", v[i].target,
					      "address", v[i].address, "detail", v[i].detail);
			if (o)
				json_dumpf(o, stdout, JSON_COMPACT);
			putchar('\n');
			json_decref(o);
		} else {
			printf("%6" PRId64 "  %s  %-16s %-22s %-18s %-15s %s\n", v[i].id, when,
			       v[i].actor, v[i].action, v[i].target, v[i].address, v[i].detail);
		}
	}
out:
	arena_release(&a);
	store_close(st);
	return rc;
}

int cmd_audit(cli_ctx *ctx, int argc, char **argv)
{
	store *st;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		if (argc != 2)
			return cli_usage("audit", "verify takes nothing");
		if (!(st = cli_open_store(ctx, 0)))
			return CLI_FAIL;
		rc = verify(st);
		store_close(st);
		return rc;
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return list(ctx, argc - 1, argv + 1);
	return cli_usage("audit", "say verify or list");
}
