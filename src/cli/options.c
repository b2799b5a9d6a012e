/* options.c: a command's `--name VALUE` options read by a table (cli.h). */
#include "cli/cli.h"

#include <math.h>

int cli_take_option(const char *cmd, const cli_option *table, size_t n, int argc, char **argv,
		    int *i, void *out)
{
	const char *a = argv[*i], *eq = strchr(a, '='), *v;
	size_t len = eq ? (size_t)(eq - a) : strlen(a), j;
	char *field;

	for (j = 0; j < n; j++) {
		if (strlen(table[j].name) == len && strncmp(table[j].name, a, len) == 0)
			break;
	}
	if (j == n)
		return cli_usage(cmd, "unknown option '%s'", a);
	v = eq ? eq + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!v)
		return cli_usage(cmd, "%s needs a value", table[j].name);
	field = (char *)out + table[j].off;
	switch (table[j].type) {
	case CLI_OPT_STR:
		*(const char **)field = v;
		return CLI_OK;
	case CLI_OPT_INT:
		if (!number_parse(v, INT64_MIN, INT64_MAX, (int64_t *)field))
			return cli_usage(cmd, "%s: '%s' is not a whole number", table[j].name, v);
		return CLI_OK;
	case CLI_OPT_REAL:
		if (!number_parse_real(v, -HUGE_VAL, HUGE_VAL, (double *)field))
			return cli_usage(cmd, "%s: '%s' is not a number", table[j].name, v);
		return CLI_OK;
	}
	return CLI_OK;
}
