/* user.c: `ecrm user add|list|passwd|role|disable|enable`. */
#include "cli/cli.h"
#include "core/json.h"
#include "domain/user.h"

#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Reads one line from `f` into `buf` without the line end; false at EOF. */
static bool read_line(FILE *f, char *buf, size_t n)
{
	size_t len;

	if (!fgets(buf, (int)n, f))
		return false;
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return true;
}

/* Prompts on the terminal with echo off. */
static bool prompt_hidden(const char *prompt, char *buf, size_t n)
{
	struct termios old, quiet;
	bool ok;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return read_line(stdin, buf, n);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	ok = read_line(stdin, buf, n);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return ok;
}

/* A new password: the first line of standard input when it is not a
 * terminal (scripts), else typed twice without echo. */
static bool read_new_password(char *buf, size_t n)
{
	char again[USER_PASSWORD_MAX + 2];
	err e;

	if (!isatty(STDIN_FILENO)) {
		if (!read_line(stdin, buf, n)) {
			fprintf(stderr, "ecrm user: no password on standard input\n");
			return false;
		}
	} else {
		if (!prompt_hidden("New password: ", buf, n) ||
		    !prompt_hidden("Again: ", again, sizeof(again)))
			return false;
		if (strcmp(buf, again) != 0) {
			fprintf(stderr, "ecrm user: the passwords differ\n");
			return false;
		}
	}
	if (user_check_password(buf, &e)) {
		cli_fail(&e);
		return false;
	}
	return true;
}

static int user_add(store *st, int argc, char **argv)
{
	char pw[USER_PASSWORD_MAX + 2], hash[USER_HASH_SIZE], detail[400];
	const char *email = NULL, *name = "", *role_s = NULL;
	user_role role;
	int64_t id;
	err e;
	int rc;

	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--role") == 0 || strcmp(argv[i], "--name") == 0) &&
		    i + 1 < argc) {
			if (argv[i][2] == 'r')
				role_s = argv[++i];
			else
				name = argv[++i];
		} else if (argv[i][0] != '-' && !email) {
			email = argv[i];
		} else {
			return cli_usage("user", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!email || !role_s)
		return cli_usage("user", "add needs EMAIL and --role ROLE");
	if (user_role_read("--role", role_s, &role, &e))
		return cli_usage("user", "%s", e.msg);
	if (!read_new_password(pw, sizeof(pw)))
		return CLI_FAIL;
	err_clear(&e);
	if (user_hash_password(pw, hash, &e))
		return cli_fail(&e);
	if (store_begin(st, &e))
		return cli_fail(&e);
	if (user_create(st, email, name, role, hash, (int64_t)time(NULL), &id, &e)) {
		store_rollback(st);
		return cli_fail(&e);
	}
	snprintf(detail, sizeof(detail), "{\"role\":\"%s\"}", user_role_name(role));
	if ((rc = cli_audit_commit(st, "user.create", "user", id, detail)))
		return rc;
	printf("user %" PRId64 " added: %s (%s)\n", id, email, user_role_name(role));
	return CLI_OK;
}

static int user_list_cmd(cli_ctx *ctx, store *st)
{
	user *v;
	size_t n;
	arena a;
	err e;
	int rc = CLI_OK;

	arena_init(&a, 0);
	if (user_list(st, &a, &v, &n, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (ctx->json) {
			json_t *o =
				json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)v[i].id,
					  "email", v[i].email, "name", v[i].name, "role",
					  user_role_name(v[i].role), "disabled", v[i].disabled);
			if (o)
				json_dumpf(o, stdout, JSON_COMPACT);
			putchar('\n');
			json_decref(o);
		} else
			printf("%5" PRId64 "  %-32s %-9s %s\n", v[i].id, v[i].email,
			       user_role_name(v[i].role), v[i].disabled ? "disabled" : "");
	}
out:
	arena_release(&a);
	return rc;
}

/* passwd, role, disable, enable: one user by e-mail. */
static int user_change(store *st, const char *verb, int argc, char **argv)
{
	char pw[USER_PASSWORD_MAX + 2], hash[USER_HASH_SIZE], detail[128];
	int64_t now = (int64_t)time(NULL);
	const char *action;
	user_role role = ROLE_VIEWER;
	status s = E_OK;
	user u;
	arena a;
	err e;
	int rc = CLI_OK;

	if (argc != (strcmp(verb, "role") == 0 ? 3 : 2))
		return cli_usage("user", "%s takes %s", verb,
				 strcmp(verb, "role") == 0 ? "EMAIL ROLE" : "EMAIL");
	if (strcmp(verb, "role") == 0 && user_role_read("ROLE", argv[2], &role, &e))
		return cli_usage("user", "%s", e.msg);
	arena_init(&a, 0);
	err_clear(&e);
	detail[0] = '\0';
	if (user_find_email(st, &a, argv[1], &u, NULL, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	if (strcmp(verb, "passwd") == 0) {
		if (!read_new_password(pw, sizeof(pw))) {
			rc = CLI_FAIL;
			goto out;
		}
		if (user_hash_password(pw, hash, &e)) {
			rc = cli_fail(&e);
			goto out;
		}
	}
	if (store_begin(st, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	if (strcmp(verb, "passwd") == 0) {
		action = "user.password";
		s = user_set_password_hash(st, u.id, hash, now, &e);
	} else if (strcmp(verb, "role") == 0) {
		action = "user.update";
		snprintf(detail, sizeof(detail), "{\"role\":\"%s\"}", user_role_name(role));
		s = user_set_role(st, u.id, role, now, &e);
	} else {
		bool off = strcmp(verb, "disable") == 0;
		action = "user.update";
		snprintf(detail, sizeof(detail), "{\"disabled\":%s}", off ? "true" : "false");
		s = user_set_disabled(st, u.id, off, now, &e);
	}
	if (s) {
		store_rollback(st);
		rc = cli_fail(&e);
		goto out;
	}
	if ((rc = cli_audit_commit(st, action, "user", u.id, detail[0] ? detail : NULL)))
		goto out;
	printf("user %s: %s\n", u.email,
	       strcmp(verb, "passwd") == 0 ? "password changed, sessions ended" : "updated");
out:
	arena_release(&a);
	return rc;
}

int cmd_user(cli_ctx *ctx, int argc, char **argv)
{
	store *st;
	int rc;

	if (argc < 2)
		return cli_usage("user", "say add, list, passwd, role, disable or enable");
	if (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "passwd") != 0 && strcmp(argv[1], "role") != 0 &&
	    strcmp(argv[1], "disable") != 0 && strcmp(argv[1], "enable") != 0)
		return cli_usage("user", "'%s' is not add, list, passwd, role, disable or enable",
				 argv[1]);
	if (!(st = cli_open_store(ctx, 0)))
		return CLI_FAIL;
	if (strcmp(argv[1], "add") == 0)
		rc = user_add(st, argc - 1, argv + 1);
	else if (strcmp(argv[1], "list") == 0)
		rc = argc == 2 ? user_list_cmd(ctx, st) : cli_usage("user", "list takes nothing");
	else
		rc = user_change(st, argv[1], argc - 1, argv + 1);
	store_close(st);
	return rc;
}
