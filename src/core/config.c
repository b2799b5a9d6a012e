/* config.c: INI configuration on top of inih, kept as a flat list. */
#include "core/config.h"
#include "core/log.h"
#include "core/number.h"
#include "core/xalloc.h"

#include <ini.h>

typedef struct {
	char *section, *key, *value;
} entry;

struct config {
	entry *v;
	size_t n, cap;
};

static entry *find(const config *c, const char *section, const char *key)
{
	if (!c)
		return NULL;
	for (size_t i = c->n; i-- > 0;) {
		if (strcmp(c->v[i].section, section) == 0 && strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	}
	return NULL;
}

void config_set(config *c, const char *section, const char *key, const char *value)
{
	entry *en = find(c, section, key);

	if (en) {
		free(en->value);
		en->value = xstrdup(value);
		return;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n].section = xstrdup(section);
	c->v[c->n].key = xstrdup(key);
	c->v[c->n].value = xstrdup(value);
	c->n++;
}

config *config_copy(const config *c)
{
	config *k = xcalloc(1, sizeof(*k));

	for (size_t i = 0; c && i < c->n; i++)
		config_set(k, c->v[i].section, c->v[i].key, c->v[i].value);
	return k;
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
	config_set(user, section, key, value);
	return 1;
}

status config_load(const char *path, config **out, err *e)
{
	config *c = xcalloc(1, sizeof(*c));
	FILE *f;
	int line;

	*out = c;
	if (!path)
		return E_OK;
	if (!(f = fopen(path, "r")))
		return err_set(e, E_NOTFOUND, "cannot read config %s: %s", path, strerror(errno));
	line = ini_parse_file(f, on_value, c);
	fclose(f);
	if (line != 0)
		return err_set(e, E_INVAL, "%s:%d: not a `key = value` line (lines are at most 200 bytes)",
			       path, line);
	return E_OK;
}

void config_free(config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].section);
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	free(c);
}

const char *config_str(const config *c, const char *section, const char *key, const char *def)
{
	entry *en = find(c, section, key);
	return en ? en->value : def;
}

int64_t config_int(const config *c, const char *section, const char *key, int64_t def)
{
	const char *s = config_str(c, section, key, NULL);
	int64_t v;

	if (!s)
		return def;
	if (!number_parse(s, INT64_MIN, INT64_MAX, &v)) {
		log_warn("config [%s] %s = %s: not an integer, using %" PRId64, section, key, s, def);
		return def;
	}
	return v;
}

double config_double(const config *c, const char *section, const char *key, double def)
{
	const char *s = config_str(c, section, key, NULL);
	char *end;
	double v;

	if (!s)
		return def;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end) {
		log_warn("config [%s] %s = %s: not a number, using %g", section, key, s, def);
		return def;
	}
	return v;
}
