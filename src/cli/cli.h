/* cli.h: what every `ecrm` subcommand gets, and the table they live in. */
#ifndef ECRM_CLI_H
#define ECRM_CLI_H

#include "core/common.h"
#include "core/config.h"
#include "core/number.h"
#include "core/err.h"
#include "store/db.h"

/* Global options, parsed by main.c from anywhere on the command line. */
typedef struct {
	const char *db_uri;      /* --db, else $ECRM_DB, else ./ecrm.db */
	const char *config_path; /* --config, else $ECRM_CONFIG, else ./ecrm.conf if present */
	config *cfg;
	bool json;               /* --json: machine-readable output */
	bool quiet;              /* --quiet: no progress bars */
	struct pii_keys *keys;   /* personal-data keys, loaded by cli_open_store */
} cli_ctx;

typedef int (*cli_run_fn)(cli_ctx *ctx, int argc, char **argv);

typedef struct {
	const char *name;
	cli_run_fn run;
	const char *summary; /* one line for `ecrm help` */
	const char *usage;   /* the full help text for `ecrm help NAME` */
} cli_command;

/* Exit statuses of every subcommand. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

const cli_command *cli_find(const char *name);
/* The command table, ended by an entry with a NULL name. */
extern const cli_command cli_commands[];

/* Opens the store named in ctx (migrating it) and attaches the personal-data
 * keys (loading them once); prints the error and returns NULL on failure. */
store *cli_open_store(cli_ctx *ctx, int flags);
/* The keys cli_open_store loaded (NULL before a store was opened). */
const struct pii_keys *cli_keys(const cli_ctx *ctx);
/* Prints "ecrm: <message>" for a failed status and returns CLI_FAIL. */
int cli_fail(const err *e);
/* Records the audit entry of a command's write: `action` ("user.create")
 * on `kind`:`id` ("user:12"), by "cli:LOGIN" from "cli"; `detail` may be
 * NULL. CLI_OK, or CLI_FAIL after printing why. */
int cli_audit(store *st, const char *action, const char *kind, int64_t id, const char *detail);
/* Ends the write transaction the caller began: records the audit entry
 * (as cli_audit) and commits; rolls back when the entry cannot be
 * recorded. CLI_OK, or CLI_FAIL after printing why. */
int cli_audit_commit(store *st, const char *action, const char *kind, int64_t id,
		     const char *detail);
/* Who a command acts as in the audit log and in what it creates:
 * "cli:LOGIN" into `buf`, which is returned. */
const char *cli_actor(char *buf, size_t n);
/* Prints a usage error about `cmd` and returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* An entry of a command's option table: `--name VALUE` or `--name=VALUE`
 * sets the field at `off` of the command's options struct (a const char *,
 * an int64_t or a double). */
typedef enum { CLI_OPT_STR, CLI_OPT_INT, CLI_OPT_REAL } cli_option_type;
typedef struct {
	const char *name;
	cli_option_type type;
	size_t off;
} cli_option;
/* Reads the option at argv[*i] into the struct at `out` by `table` (`n`
 * entries); when its value is the next argument, *i moves onto it. CLI_OK,
 * or the usage status after printing why (an unknown option, a missing
 * value, a value that is not a number). */
int cli_take_option(const char *cmd, const cli_option *table, size_t n, int argc, char **argv,
		    int *i, void *out);

int cmd_analyze(cli_ctx *ctx, int argc, char **argv);
int cmd_demo(cli_ctx *ctx, int argc, char **argv);
int cmd_help(cli_ctx *ctx, int argc, char **argv);
int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_stats(cli_ctx *ctx, int argc, char **argv);
int cmd_import(cli_ctx *ctx, int argc, char **argv);
int cmd_customers(cli_ctx *ctx, int argc, char **argv);
int cmd_rekey(cli_ctx *ctx, int argc, char **argv);
int cmd_serve(cli_ctx *ctx, int argc, char **argv);
int cmd_user(cli_ctx *ctx, int argc, char **argv);
int cmd_apikey(cli_ctx *ctx, int argc, char **argv);
int cmd_audit(cli_ctx *ctx, int argc, char **argv);
int cmd_analyze_basket(cli_ctx *ctx, int argc, char **argv);
int cmd_analyze_recommend(cli_ctx *ctx, int argc, char **argv);

#endif
