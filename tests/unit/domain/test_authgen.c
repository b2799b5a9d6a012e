/* test_authgen.c: the auth generation (migration 010's triggers): what moves
 * it on and what does not, as a second handle on the same database (another
 * server) sees it, and that a read transaction keeps the value it started
 * with (an identity cache checks it in the request's own snapshot). */
#include "testutil.h"
#include "domain/apikey.h"
#include "domain/authgen.h"
#include "domain/session.h"
#include "domain/user.h"

static store *open_at(const char *uri)
{
	store *st = NULL;
	err e;
	if (store_open(uri, STORE_CREATE, &st, &e))
		fail_msg("store_open %s: %s", uri, e.msg);
	return st;
}

static int64_t gen(store *st)
{
	int64_t g = -1;
	err e;
	if (authgen_read(st, &g, &e))
		fail_msg("authgen_read: %s", e.msg);
	return g;
}

/* Runs `what` (a statement of the test) and checks whether the generation,
 * as the other handle reads it, moved on. */
#define EXPECT_BUMP(other, bumps, what)                                                         \
	do {                                                                                    \
		int64_t before_ = gen(other);                                                   \
		what;                                                                           \
		if (bumps)                                                                      \
			assert_true(gen(other) > before_);                                      \
		else                                                                            \
			assert_int_equal(gen(other), before_);                                  \
	} while (0)

static void what_moves_the_generation(void **state)
{
	const char *uri = test_store_uri("authgen.db");
	store *a = open_at(uri), *b = open_at(uri);
	char token[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE], other[SESSION_TOKEN_SIZE];
	char key[APIKEY_SIZE], hash[USER_HASH_SIZE];
	session_throttle_state th = {.failures = 1, .window_start = 100};
	int64_t uid, kid, purged = -1;
	err e;
	(void)state;
	assert_int_equal(gen(a), 0);
	/* Creating things grants nothing anyone held before: no change. */
	EXPECT_BUMP(b, false,
		    assert_int_equal(user_create(a, "g@example.com", "G", ROLE_AGENT, "x", 100,
						 &uid, &e),
				     E_OK));
	EXPECT_BUMP(b, false,
		    assert_int_equal(session_create(a, uid, 100, 3600, NULL, NULL, token, csrf,
						    &e),
				     E_OK));
	EXPECT_BUMP(b, false,
		    assert_int_equal(session_create(a, uid, 100, 3600, NULL, NULL, other, csrf,
						    &e),
				     E_OK));
	EXPECT_BUMP(b, false,
		    assert_int_equal(apikey_create(a, "k", ROLE_VIEWER, "test", 100, key, &kid, &e),
				     E_OK));
	EXPECT_BUMP(b, false,
		    assert_int_equal(session_throttle_save(a, "account:g@example.com", &th, &e),
				     E_OK));
	/* Deleting nothing changes nothing. */
	EXPECT_BUMP(b, false, assert_int_equal(session_delete(a, "no-such-token", &e), E_OK));
	EXPECT_BUMP(b, false, assert_int_equal(session_purge(a, 100, &purged, &e), E_OK));
	assert_int_equal(purged, 0);
	/* Every change that can take something away does. */
	EXPECT_BUMP(b, true, assert_int_equal(session_delete(a, token, &e), E_OK));
	EXPECT_BUMP(b, true, assert_int_equal(user_set_role(a, uid, ROLE_VIEWER, 101, &e), E_OK));
	EXPECT_BUMP(b, true, assert_int_equal(user_set_disabled(a, uid, true, 102, &e), E_OK));
	EXPECT_BUMP(b, true, assert_int_equal(user_set_disabled(a, uid, false, 103, &e), E_OK));
	assert_int_equal(user_hash_password("a new password", hash, &e), E_OK);
	EXPECT_BUMP(b, true,
		    assert_int_equal(user_set_password_hash(a, uid, hash, 104, &e), E_OK));
	EXPECT_BUMP(b, true, assert_int_equal(apikey_revoke(a, kid, 105, &e), E_OK));
	/* Either handle may be the writer. */
	EXPECT_BUMP(a, true, assert_int_equal(user_set_role(b, uid, ROLE_AGENT, 106, &e), E_OK));
	store_close(a);
	store_close(b);
}

/* A read transaction sees one generation throughout, as it sees one state
 * of sessions and keys: the check and the lookup agree. */
static void a_read_transaction_keeps_its_generation(void **state)
{
	const char *uri = test_store_uri("authgen-snap.db");
	store *a = open_at(uri), *b = open_at(uri);
	char token[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];
	int64_t uid, g0;
	err e;
	(void)state;
	assert_int_equal(user_create(a, "s@example.com", "S", ROLE_AGENT, "x", 100, &uid, &e), E_OK);
	assert_int_equal(session_create(a, uid, 100, 3600, NULL, NULL, token, csrf, &e), E_OK);
	assert_int_equal(store_begin_read(b, &e), E_OK);
	g0 = gen(b);
	assert_int_equal(session_delete(a, token, &e), E_OK);
	assert_int_equal(gen(b), g0);
	assert_int_equal(store_commit(b, &e), E_OK);
	assert_true(gen(b) > g0);
	store_close(a);
	store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_moves_the_generation),
		cmocka_unit_test(a_read_transaction_keeps_its_generation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
