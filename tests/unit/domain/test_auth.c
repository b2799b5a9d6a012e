/* test_auth.c: users (roles, e-mail rules, argon2id, UI language), sessions
 * (only hashes stored, expiry, disabled users), API keys, and the login
 * throttle. */
#include "testutil.h"
#include "domain/apikey.h"
#include "domain/session.h"
#include "domain/user.h"

static store *open_new(const char *name)
{
	store *st = NULL;
	err e;
	if (store_open(test_store_uri(name), STORE_CREATE, &st, &e))
		fail_msg("store_open: %s", e.msg);
	return st;
}

static void role_order_and_personal_data(void **state)
{
	user_role r;
	(void)state;
	assert_true(user_role_parse("marketer", &r));
	assert_int_equal(r, ROLE_MARKETER);
	assert_false(user_role_parse("root", &r));
	assert_false(user_role_parse(NULL, &r));
	assert_string_equal(user_role_name(ROLE_ADMIN), "admin");
	/* input: the error names the field and every role */
	err e;
	assert_int_equal(user_role_read("--role", "agent", &r, &e), E_OK);
	assert_int_equal(r, ROLE_AGENT);
	assert_int_equal(user_role_read("--role", "root", &r, &e), E_INVAL);
	assert_string_equal(e.msg, "--role: 'root' is not one of viewer, analyst, marketer, agent, "
				   "manager, admin");
	/* Levels are ordered ... */
	assert_true(user_role_allows(ROLE_ADMIN, ROLE_VIEWER, false));
	assert_true(user_role_allows(ROLE_AGENT, ROLE_AGENT, false));
	assert_false(user_role_allows(ROLE_MARKETER, ROLE_AGENT, false));
	assert_false(user_role_allows(ROLE_VIEWER, ROLE_ANALYST, false));
	/* ... and personal data needs the flag as well as the level. */
	assert_false(user_role_allows(ROLE_MARKETER, ROLE_ANALYST, true));
	assert_false(user_role_allows(ROLE_ANALYST, ROLE_VIEWER, true));
	assert_true(user_role_allows(ROLE_AGENT, ROLE_VIEWER, true));
	assert_false(user_role_sees_personal_data(ROLE_MARKETER));
	assert_true(user_role_sees_personal_data(ROLE_MANAGER));
}

static void email_rules(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"  Ann@Example.COM ", "ann@example.com"},
		{"admin@localhost", "admin@localhost"},
		{"a b@example.com", NULL},
		{"@example.com", NULL},
		{"ann@", NULL},
		{"ann@@example.com", NULL},
		{"", NULL},
	};
	char out[USER_EMAIL_MAX + 1];
	err e;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		status rc = user_normalize_email(cases[i].in, out, &e);
		if (cases[i].out) {
			assert_int_equal(rc, E_OK);
			assert_string_equal(out, cases[i].out);
		} else {
			assert_int_equal(rc, E_INVAL);
			assert_true(strncmp(e.msg, "email: ", 7) == 0);
		}
	}
}

static void users_and_passwords(void **state)
{
	store *st = open_new("users.db");
	char hash[USER_HASH_SIZE];
	const char *stored;
	int64_t id = 0, id2 = 0;
	user u, *all;
	size_t n;
	arena a;
	err e;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(user_check_password("short", &e), E_INVAL);
	assert_int_equal(user_check_password("long enough pass", &e), E_OK);
	assert_int_equal(user_hash_password("correct horse", hash, &e), E_OK);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_true(user_password_matches(hash, "correct horse"));
	assert_false(user_password_matches(hash, "correct horsE"));
	assert_int_equal(user_create(st, "Ann@Example.com", "Ann", ROLE_AGENT, hash, 100, &id, &e),
			 E_OK);
	assert_int_equal(user_create(st, "ann@example.com", "", ROLE_ADMIN, hash, 100, &id2, &e),
			 E_CONFLICT);
	assert_true(strncmp(e.msg, "email: ", 7) == 0);
	assert_int_equal(
		user_create(st, "bob@example.com", "Bob", ROLE_VIEWER, hash, 100, &id2, &e), E_OK);
	assert_int_equal(user_find_email(st, &a, " ANN@example.com", &u, &stored, &e), E_OK);
	assert_int_equal(u.id, id);
	assert_int_equal(u.role, ROLE_AGENT);
	assert_string_equal(u.name, "Ann");
	assert_string_equal(stored, hash);
	assert_int_equal(user_find_email(st, &a, "nobody@example.com", &u, NULL, &e), E_NOTFOUND);
	assert_string_equal(e.msg, "no user with email nobody@example.com");
	assert_int_equal(user_get(st, &a, 999, &u, &e), E_NOTFOUND);
	assert_string_equal(e.msg, "no user with id 999");
	assert_int_equal(user_set_role(st, id2, ROLE_MANAGER, 200, &e), E_OK);
	assert_int_equal(user_get(st, &a, id2, &u, &e), E_OK);
	assert_string_equal(u.email, "bob@example.com");
	assert_int_equal(u.role, ROLE_MANAGER);
	assert_int_equal(u.updated_at, 200);
	assert_int_equal(user_set_role(st, 999, ROLE_MANAGER, 200, &e), E_NOTFOUND);
	assert_int_equal(user_list(st, &a, &all, &n, &e), E_OK);
	assert_int_equal(n, 2);
	assert_string_equal(all[1].email, "bob@example.com");
	arena_release(&a);
	store_close(st);
}

static void sessions_store_hashes_and_expire(void **state)
{
	store *st = open_new("sessions.db");
	char token[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE], hash[SESSION_HASH_SIZE];
	int64_t uid, n = -1, purged = -1;
	session s;
	arena a;
	err e;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(user_create(st, "c@example.com", "C", ROLE_ANALYST, "x", 0, &uid, &e),
			 E_OK);
	assert_int_equal(session_create(st, uid, 1000, 3600, "127.0.0.1", "curl", token, csrf, &e),
			 E_OK);
	assert_int_equal(strlen(token), 43);
	assert_int_equal(strlen(csrf), 43);
	assert_string_not_equal(token, csrf);
	/* The token itself is nowhere in the store, its hash is. */
	session_token_hash(token, hash);
	{
		stmt *q;
		assert_int_equal(store_prepare(st, "SELECT token_hash FROM sessions", &q, &e),
				 E_OK);
		assert_true(stmt_row(q, &e));
		assert_string_equal(stmt_text(q, 0), hash);
		assert_string_not_equal(stmt_text(q, 0), token);
		stmt_done(q);
	}
	assert_int_equal(session_lookup(st, &a, token, 1001, &s, &e), E_OK);
	assert_int_equal(s.user_id, uid);
	assert_int_equal(s.role, ROLE_ANALYST);
	assert_string_equal(s.csrf, csrf);
	assert_int_equal(s.expires_at, 4600);
	assert_int_equal(session_lookup(st, &a, token, 4600, &s, &e), E_AUTH);
	assert_int_equal(session_lookup(st, &a, "forged", 1001, &s, &e), E_AUTH);
	/* Disabling the user ends the session. */
	assert_int_equal(user_set_disabled(st, uid, true, 1002, &e), E_OK);
	assert_int_equal(session_lookup(st, &a, token, 1003, &s, &e), E_AUTH);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM sessions", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(user_set_disabled(st, uid, false, 1004, &e), E_OK);
	assert_int_equal(session_create(st, uid, 1000, 10, NULL, NULL, token, csrf, &e), E_OK);
	assert_int_equal(session_create(st, uid, 1000, 1000, NULL, NULL, token, csrf, &e), E_OK);
	assert_int_equal(session_purge(st, 1500, &purged, &e), E_OK);
	assert_int_equal(purged, 1);
	assert_int_equal(session_delete(st, token, &e), E_OK);
	assert_int_equal(session_lookup(st, &a, token, 1001, &s, &e), E_AUTH);
	arena_release(&a);
	store_close(st);
}

static void api_keys_are_hashed_and_revocable(void **state)
{
	store *st = open_new("keys.db");
	char key[APIKEY_SIZE];
	int64_t id;
	apikey k, *all;
	size_t n;
	arena a;
	err e;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(apikey_create(st, "shop", ROLE_AGENT, "cli:root", 50, key, &id, &e), E_OK);
	assert_int_equal(strlen(key), APIKEY_SIZE - 1);
	assert_true(strncmp(key, "ecrm_", 5) == 0);
	assert_int_equal(apikey_lookup(st, &a, key, &k, &e), E_OK);
	assert_int_equal(k.id, id);
	assert_int_equal(k.role, ROLE_AGENT);
	assert_string_equal(k.name, "shop");
	assert_int_equal(strlen(k.prefix), APIKEY_PREFIX_LEN);
	assert_true(strncmp(k.prefix, key, APIKEY_PREFIX_LEN) == 0);
	key[10] = key[10] == 'A' ? 'B' : 'A';
	assert_int_equal(apikey_lookup(st, &a, key, &k, &e), E_AUTH);
	assert_int_equal(apikey_revoke(st, id, 60, &e), E_OK);
	assert_int_equal(apikey_revoke(st, id, 61, &e), E_NOTFOUND);
	assert_int_equal(apikey_list(st, &a, &all, &n, &e), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].revoked_at, 60);
	arena_release(&a);
	store_close(st);
}

static const session_throttle_policy policy = {
	.max_failures = 3, .window = 60, .lockout = 100, .max_lockout = 350};

static void throttle_locks_after_max_failures_in_window(void **state)
{
	session_throttle_state s = {0};
	(void)state;
	assert_int_equal(session_throttle_wait(&s, 0), 0);
	assert_false(session_throttle_fail(&s, &policy, 1000));
	assert_false(session_throttle_fail(&s, &policy, 1010));
	assert_int_equal(session_throttle_wait(&s, 1010), 0);
	assert_true(session_throttle_fail(&s, &policy, 1020));
	assert_int_equal(session_throttle_wait(&s, 1020), 100);
	assert_int_equal(session_throttle_wait(&s, 1119), 1);
	assert_int_equal(session_throttle_wait(&s, 1120), 0);
}

static void throttle_window_expires(void **state)
{
	session_throttle_state s = {0};
	(void)state;
	assert_false(session_throttle_fail(&s, &policy, 1000));
	assert_false(session_throttle_fail(&s, &policy, 1059));
	/* The window began at 1000: at 1060 it starts over. */
	assert_false(session_throttle_fail(&s, &policy, 1060));
	assert_int_equal(s.failures, 1);
	assert_false(session_throttle_fail(&s, &policy, 1061));
	assert_true(session_throttle_fail(&s, &policy, 1062));
}

static void throttle_lockouts_double_up_to_the_cap(void **state)
{
	session_throttle_state s = {0};
	int64_t t = 1000;
	const int64_t want[] = {100, 200, 350, 350};
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(want); k++) {
		for (int i = 0; i < 2; i++)
			assert_false(session_throttle_fail(&s, &policy, t));
		assert_true(session_throttle_fail(&s, &policy, t));
		assert_int_equal(session_throttle_wait(&s, t), want[k]);
		t = s.locked_until;
	}
	/* After max_lockout quiet seconds the count is forgiven. */
	t += 350;
	for (int i = 0; i < 2; i++)
		assert_false(session_throttle_fail(&s, &policy, t));
	assert_true(session_throttle_fail(&s, &policy, t));
	assert_int_equal(session_throttle_wait(&s, t), 100);
}

static void throttle_counters_persist(void **state)
{
	store *st = open_new("throttle.db");
	session_throttle_state s = {0}, r;
	err e;
	(void)state;
	assert_int_equal(session_throttle_load(st, "account:x@y", &r, &e), E_OK);
	assert_int_equal(r.failures, 0);
	assert_int_equal(r.locked_until, 0);
	session_throttle_fail(&s, &policy, 10);
	session_throttle_fail(&s, &policy, 11);
	assert_int_equal(session_throttle_save(st, "account:x@y", &s, &e), E_OK);
	session_throttle_fail(&s, &policy, 12);
	assert_int_equal(session_throttle_save(st, "account:x@y", &s, &e), E_OK);
	assert_int_equal(session_throttle_load(st, "account:x@y", &r, &e), E_OK);
	assert_memory_equal(&r, &s, sizeof(s));
	assert_int_equal(r.locked_until, 112);
	assert_int_equal(session_throttle_clear(st, "account:x@y", &e), E_OK);
	assert_int_equal(session_throttle_load(st, "account:x@y", &r, &e), E_OK);
	assert_int_equal(r.lockouts, 0);
	store_close(st);
}

static void user_locale(void **state)
{
	static const struct {
		const char *code;
		bool ok;
	} tags[] = {
		{ "en", true },	     { "zh-CN", true },	 { "zh-Hans-CN", true }, { "pt-BR", true },
		{ "e", false },	     { "english", false }, { "zh_CN", false },	 { "zh-", false },
		{ "../en", false },  { "en-x", false },	   { "", false },	 { "en-bb-cc-dd-ee", false },
	};
	store *st = open_new("locale.db");
	int64_t id;
	user u;
	arena a;
	err e = {0};
	(void)state;
	arena_init(&a, 0);
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++)
		assert_int_equal(user_locale_valid(tags[i].code), tags[i].ok);
	assert_false(user_locale_valid(NULL));

	assert_int_equal(user_create(st, "l@example.com", "L", ROLE_VIEWER, "x", 1, &id, &e), E_OK);
	assert_int_equal(user_get(st, &a, id, &u, &e), E_OK);
	assert_null(u.locale);
	assert_int_equal(user_set_locale(st, id, "zh-CN", 2, &e), E_OK);
	assert_int_equal(user_get(st, &a, id, &u, &e), E_OK);
	assert_string_equal(u.locale, "zh-CN");
	assert_int_equal(u.updated_at, 2);
	assert_int_equal(user_set_locale(st, id, "zh CN", 3, &e), E_INVAL);
	assert_int_equal(user_set_locale(st, id + 1, "en", 3, &e), E_NOTFOUND);
	e = (err){ 0 };
	assert_int_equal(user_set_locale(st, id, NULL, 4, &e), E_OK);
	assert_int_equal(user_find_email(st, &a, "l@example.com", &u, NULL, &e), E_OK);
	assert_null(u.locale);
	store_close(st);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(role_order_and_personal_data),
		cmocka_unit_test(email_rules),
		cmocka_unit_test(users_and_passwords),
		cmocka_unit_test(sessions_store_hashes_and_expire),
		cmocka_unit_test(api_keys_are_hashed_and_revocable),
		cmocka_unit_test(throttle_locks_after_max_failures_in_window),
		cmocka_unit_test(throttle_window_expires),
		cmocka_unit_test(throttle_lockouts_double_up_to_the_cap),
		cmocka_unit_test(throttle_counters_persist),
		cmocka_unit_test(user_locale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
