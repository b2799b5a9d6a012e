/* json_out.h: writing JSON text straight into a strbuf, without building a
 * jansson tree. Replies are written this way: building a tree and dumping
 * it cost more than the queries behind a page (docs/bench/api.md).
 *
 * The output is compact and is what json_to_arena makes of the same values
 * (insertion order, "%.17g" reals, strings escaped the same way), except
 * that bytes which are not UTF-8 become U+FFFD instead of dropping the
 * member. Every value function takes the member's key: inside an object
 * it is required, inside an array (and for the top value) it is NULL.
 * Keys are written as they are: names from our code, printable ASCII
 * without '"' or '\\'.
 *
 *	json_out w;
 *	json_out_init(&w, &sb);
 *	json_out_object(&w, NULL);
 *	json_out_int(&w, "id", 7);
 *	json_out_array(&w, "tags");
 *	json_out_string(&w, NULL, "vip");
 *	json_out_end(&w);
 *	json_out_end(&w);            // {"id":7,"tags":["vip"]}
 *	if (!json_out_done(&w)) ...  // misuse or the strbuf's cap
 */
#ifndef ECRM_CORE_JSON_OUT_H
#define ECRM_CORE_JSON_OUT_H

#include "core/strbuf.h"

#define JSON_OUT_DEPTH 32 /* objects and arrays open at once, at most */

typedef struct {
	strbuf *sb;
	int depth;	   /* containers open */
	uint32_t array;	   /* bit d: the container at depth d+1 is an array */
	uint32_t nonempty; /* bit d: it has a member already */
	bool top_written;  /* the one top-level value has begun */
	bool failed;	   /* misuse; the strbuf's own failure is its own */
} json_out;

/* Writes to the end of `sb` (which it does not own). */
void json_out_init(json_out *w, strbuf *sb);

/* Opens an object or an array as member `key`; json_out_end closes the
 * innermost one. */
void json_out_object(json_out *w, const char *key);
void json_out_array(json_out *w, const char *key);
void json_out_end(json_out *w);

/* Values. A NULL string is written as null. */
void json_out_string(json_out *w, const char *key, const char *s);
void json_out_int(json_out *w, const char *key, int64_t v);
/* `v` when `present`, else null. */
void json_out_opt_int(json_out *w, const char *key, bool present, int64_t v);
/* null for NaN and infinities (JSON has no such numbers). */
void json_out_real(json_out *w, const char *key, double v);
void json_out_bool(json_out *w, const char *key, bool v);
void json_out_null(json_out *w, const char *key);
/* Stored JSON text (a tags or attributes column) as a value, compacted:
 * null for NULL or ""; text that is not one JSON value is written as a
 * string, as it is. */
void json_out_text(json_out *w, const char *key, const char *json);

/* True when exactly one complete value was written and nothing failed. */
bool json_out_done(const json_out *w);

#endif
