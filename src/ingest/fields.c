/* fields.c: field parsers that several import formats share. */
#include "ingest/format.h"
#include "ingest/normalize.h"

#include <jansson.h>
#include <strings.h>

int import_parse_consent(const char *v, size_t n)
{
	static const char *const yes[] = { "yes", "y", "true", "1", "subscribed", "opted_in" };
	static const char *const no[] = { "no", "n", "false", "0", "unsubscribed", "not_subscribed" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == n && strncasecmp(v, yes[i], n) == 0)
			return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		if (strlen(no[i]) == n && strncasecmp(v, no[i], n) == 0)
			return 0;
	}
	return -1;
}

const char *import_tags_json(arena *a, const char *v, size_t n)
{
	json_t *arr = json_array();
	const char *p = v, *end = v + n, *res;
	char *dump;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		const char *t = normalize_text(a, p, (size_t)(stop - p));
		if (t)
			json_array_append_new(arr, json_string(t));
		p = stop + 1;
	}
	dump = json_dumps(arr, JSON_COMPACT);
	res = arena_strdup(a, dump);
	free(dump);
	json_decref(arr);
	return res;
}
