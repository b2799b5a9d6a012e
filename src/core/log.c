/* log.c: levelled diagnostics with a UTC timestamp, one line per message. */
#include "core/log.h"

#include <time.h>

/* Written once at start-up before threads exist, read-only afterwards. */
static log_level current = LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error", "off" };

void log_set_level(log_level level)
{
	current = level;
}

log_level log_get_level(void)
{
	return current;
}

bool log_parse_level(const char *name, log_level *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (log_level)i;
			return true;
		}
	}
	return false;
}

void log_msg(log_level level, const char *fmt, ...)
{
	char line[1024], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n;

	if (level < current || level >= LOG_OFF)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ %-5s ", stamp, ts.tv_nsec / 1000000,
		     level_names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fputs per line keeps lines from several threads whole. */
	fprintf(stderr, "%s\n", line);
}
