/* test_errors.c: the status -> HTTP table and the one error shape: field
 * from the helpers or the "name: " convention, JSON positions, 5xx details
 * kept out of replies, Retry-After on 429. */
#include "testutil.h"
#include "http/request.h"

static void table_maps_every_status(void **state)
{
	static const struct {
		status st;
		unsigned http;
		const char *code;
	} want[] = {
		{E_INVAL, 422, "invalid"},	 {E_NOTFOUND, 404, "not_found"},
		{E_CONFLICT, 409, "conflict"},	 {E_AUTH, 401, "unauthenticated"},
		{E_FORBIDDEN, 403, "forbidden"}, {E_TOOBIG, 413, "too_large"},
		{E_BUSY, 429, "busy"},		 {E_DB, 500, "store_error"},
		{E_IO, 500, "io_error"},	 {E_NOMEM, 503, "no_memory"},
		{E_INTERNAL, 500, "internal"},
	};
	unsigned http;
	const char *code;
	(void)state;
	assert_int_equal(ARRAY_SIZE(want), E__COUNT - 1); /* every status but E_OK */
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		http_status_map(want[i].st, &http, &code);
		assert_int_equal(http, want[i].http);
		assert_string_equal(code, want[i].code);
	}
	http_status_map((status)99, &http, &code);
	assert_int_equal(http, 500);
}

typedef struct {
	arena a;
	http_req r;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	arena_init(&f->a, 0);
	f->r.arena = &f->a;
	f->r.path = "/api/x";
	strbuf_init(&f->r.body, 1024);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	json_decref(f->r.json);
	strbuf_release(&f->r.body);
	arena_release(&f->a);
	free(f);
	return 0;
}

/* The reply's JSON, parsed (the caller decrefs). */
static json_t *reply(const http_req *r)
{
	json_error_t je;
	json_t *v = json_loadb(r->reply, r->reply_len, 0, &je);
	if (!v)
		fail_msg("reply is not JSON: %.*s", (int)r->reply_len, r->reply);
	return v;
}

static const char *err_member(json_t *v, const char *key)
{
	json_t *m = json_object_get(json_object_get(v, "error"), key);
	return json_is_string(m) ? json_string_value(m) : NULL;
}

static void domain_validation_is_422_with_field(void **state)
{
	fixture *f = *state;
	err e;
	json_t *v;

	err_set(&e, E_INVAL, "email: 'x' is not an address like name@example.com");
	http_reply_error(&f->r, &e);
	assert_int_equal(f->r.code, 422);
	assert_string_equal(f->r.content_type, "application/json");
	v = reply(&f->r);
	assert_string_equal(err_member(v, "code"), "invalid");
	assert_string_equal(err_member(v, "field"), "email");
	assert_non_null(strstr(err_member(v, "message"), "name@example.com"));
	json_decref(v);
}

static void message_without_field_has_none(void **state)
{
	fixture *f = *state;
	err e;
	json_t *v;

	err_set(&e, E_INVAL, "line 12: bad date");
	http_reply_error(&f->r, &e);
	v = reply(&f->r);
	assert_null(json_object_get(json_object_get(v, "error"), "field"));
	json_decref(v);
}

static void malformed_json_is_400_with_position(void **state)
{
	fixture *f = *state;
	json_t *body, *v;
	err e;

	strbuf_adds(&f->r.body, "{\n  \"email\": \"a@b.c\",\n  \"x\": tru\n}");
	assert_int_equal(http_body_json(&f->r, &body, &e), E_INVAL);
	http_reply_error(&f->r, &e);
	assert_int_equal(f->r.code, 400);
	v = reply(&f->r);
	assert_string_equal(err_member(v, "code"), "invalid");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "error"), "line")),
			 3);
	/* jansson points at the bad token's last character: "  \"x\": tru" is
	 * 10 columns; lines 1 and 2 are 2 + 20 bytes, so 22 + 10 bytes read. */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "error"), "column")),
			 10);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(v, "error"), "position")), 32);
	assert_non_null(strstr(err_member(v, "message"), "line 3, column 10"));
	json_decref(v);
}

static void wrong_type_is_400_with_field(void **state)
{
	fixture *f = *state;
	const char *s;
	json_t *body, *v;
	err e;

	strbuf_adds(&f->r.body, "{\"email\": 5}");
	assert_int_equal(http_body_json(&f->r, &body, &e), E_OK);
	assert_int_equal(http_json_str(&f->r, body, "email", true, &s, &e), E_INVAL);
	http_reply_error(&f->r, &e);
	assert_int_equal(f->r.code, 400);
	v = reply(&f->r);
	assert_string_equal(err_member(v, "field"), "email");
	assert_string_equal(err_member(v, "message"), "email: must be a string");
	json_decref(v);
}

static void unknown_member_and_non_object_are_400(void **state)
{
	static const char *const keys[] = {"email", NULL};
	fixture *f = *state;
	json_t *body, *v;
	err e;

	strbuf_adds(&f->r.body, "{\"email\": \"a@b.c\", \"emial\": 1}");
	assert_int_equal(http_body_json(&f->r, &body, &e), E_OK);
	assert_int_equal(http_json_keys(&f->r, body, keys, &e), E_INVAL);
	http_reply_error(&f->r, &e);
	assert_int_equal(f->r.code, 400);
	v = reply(&f->r);
	assert_string_equal(err_member(v, "field"), "emial");
	json_decref(v);

	json_decref(f->r.json);
	f->r.json = NULL;
	strbuf_reset(&f->r.body);
	strbuf_adds(&f->r.body, "[1,2]");
	assert_int_equal(http_body_json(&f->r, &body, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "an array"));
}

static void server_failure_hides_details(void **state)
{
	fixture *f = *state;
	json_t *v;
	err e;

	err_set(&e, E_DB, "prepare: no such table: secret_things");
	http_reply_error(&f->r, &e);
	assert_int_equal(f->r.code, 500);
	v = reply(&f->r);
	assert_string_equal(err_member(v, "code"), "store_error");
	assert_null(strstr(err_member(v, "message"), "secret_things"));
	json_decref(v);
}

static void busy_gets_retry_after(void **state)
{
	fixture *f = *state;
	err e;

	err_set(&e, E_BUSY, "locked");
	http_reply_error(&f->r, &e);
	assert_int_equal(f->r.code, 429);
	assert_int_equal(f->r.nheaders, 1);
	assert_string_equal(f->r.headers[0].name, "Retry-After");
	assert_string_equal(f->r.headers[0].value, "1");
}

static void handler_retry_after_is_kept(void **state)
{
	fixture *f = *state;
	err e;

	http_add_header(&f->r, "Retry-After", "300");
	err_set(&e, E_BUSY, "locked");
	http_reply_error(&f->r, &e);
	assert_int_equal(f->r.nheaders, 1);
	assert_string_equal(f->r.headers[0].value, "300");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_maps_every_status),
		cmocka_unit_test_setup_teardown(domain_validation_is_422_with_field, setup,
						teardown),
		cmocka_unit_test_setup_teardown(message_without_field_has_none, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_json_is_400_with_position, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wrong_type_is_400_with_field, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_member_and_non_object_are_400, setup,
						teardown),
		cmocka_unit_test_setup_teardown(server_failure_hides_details, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_gets_retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(handler_retry_after_is_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
