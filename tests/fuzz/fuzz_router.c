/* fuzz_router.c: libFuzzer target for the route matcher (http/router.h):
 * any method byte and path must match, miss or be 405 without reading
 * outside the path, and parameters must point into the path. */
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4096];
	http_match m;
	http_method method;
	size_t n;

	if (size < 1)
		return 0;
	method = (http_method)(data[0] % HTTP__METHODS);
	n = size - 1 < sizeof(path) - 1 ? size - 1 : sizeof(path) - 1;
	memcpy(path, data + 1, n);
	path[n] = '\0';
	switch (http_route_match(http_routes, http_routes_count, method, path, &m)) {
	case HTTP_MATCH_OK:
		if (!m.route || m.index >= http_routes_count || m.nparams > HTTP_MAX_PARAMS)
			abort();
		for (size_t i = 0; i < m.nparams; i++) {
			const http_param_slice *p = &m.params[i];
			if (p->value < path || p->value + p->len > path + strlen(path))
				abort();
		}
		break;
	case HTTP_MATCH_METHOD: {
		char allow[64];
		if (!m.allow)
			abort();
		http_allow_header(m.allow, allow, sizeof(allow));
		break;
	}
	case HTTP_MATCH_NONE:
		break;
	}
	return 0;
}
