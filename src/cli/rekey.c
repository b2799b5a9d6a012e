/* rekey.c: `ecrm rekey`: rotate the personal-data key. */
#include "cli/cli.h"
#include "domain/pii.h"

#include <unistd.h>

int cmd_rekey(cli_ctx *ctx, int argc, char **argv)
{
	char next[1100], old[1100];
	const char *path;
	pii_keys *fresh = NULL;
	store *st;
	err e;
	int rc = CLI_OK;

	if (argc > 1)
		return cli_usage("rekey", "unexpected argument '%s'", argv[1]);
	if (getenv("ECRM_KEY") && *getenv("ECRM_KEY")) {
		fprintf(stderr, "ecrm: the key comes from ECRM_KEY: rekey works on key files\n");
		return CLI_FAIL;
	}
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	path = pii_key_path(ctx->cfg, ctx->db_uri);
	snprintf(next, sizeof(next), "%s.new", path);
	snprintf(old, sizeof(old), "%s.old", path);
	/* The new key is on disk before any row changes, so a crash leaves
	 * either the old key valid (no commit) or KEYFILE.new valid. */
	unlink(next);
	if (pii_key_create(next, &e) || pii_keys_from_file(next, &fresh, &e) ||
	    pii_rekey(st, cli_keys(ctx), fresh, &e)) {
		rc = cli_fail(&e);
		unlink(next);
		goto out;
	}
	if (rename(path, old) != 0 || rename(next, path) != 0) {
		fprintf(stderr,
			"ecrm: the database now uses the key in %s, but moving it into place failed: "
			"%s; move it to %s by hand\n",
			next, strerror(errno), path);
		rc = CLI_FAIL;
		goto out;
	}
	printf("personal data re-sealed with a new key in %s (the old key is in %s: delete it "
	       "once backups made with it are gone)\n",
	       path, old);
out:
	store_close(st);
	pii_keys_free(fresh);
	return rc;
}
