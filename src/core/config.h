/* config.h: the INI configuration file (ecrm.conf): [section] key = value.
 * Every tunable parameter has a default in code; the file overrides it. */
#ifndef ECRM_CONFIG_H
#define ECRM_CONFIG_H

#include "core/common.h"
#include "core/err.h"

typedef struct config config;

/* Loads `path`; a NULL path gives an empty config (all defaults).
 * E_NOTFOUND when the file is missing, E_INVAL with the line on a syntax error. */
status config_load(const char *path, config **out, err *e) MUST_CHECK;
void config_free(config *c);
/* A deep copy (NULL gives an empty config), e.g. for a background job that
 * may outlive the caller's config. */
config *config_copy(const config *c);

/* Borrowed: valid until config_free. `def` when the key is absent. */
const char *config_str(const config *c, const char *section, const char *key, const char *def);
/* Parsed values; a value that does not parse is reported and `def` used. */
int64_t config_int(const config *c, const char *section, const char *key, int64_t def);
double config_double(const config *c, const char *section, const char *key, double def);
/* Sets (or replaces) a value, e.g. from a command-line flag. */
void config_set(config *c, const char *section, const char *key, const char *value);

#endif
