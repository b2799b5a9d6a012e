/* log.h: levelled diagnostics on standard error. The level is set once at
 * start-up (from --verbose/--quiet or ECRM_LOG) and only read afterwards. */
#ifndef ECRM_LOG_H
#define ECRM_LOG_H

#include "core/common.h"

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF } log_level;

void log_set_level(log_level level);
log_level log_get_level(void);
/* Parses "debug", "info", "warn", "error", "off"; false when unknown. */
bool log_parse_level(const char *name, log_level *out);
void log_msg(log_level level, const char *fmt, ...) PRINTF_LIKE(2, 3);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
