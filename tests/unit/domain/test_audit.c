/* test_audit.c: the hash-chained audit log: hashes follow the documented
 * canonical form, and verify names the first entry that was changed,
 * removed or inserted. */
#include "testutil.h"
#include "domain/audit.h"

#include <sodium.h>

static store *open_new(const char *name)
{
	store *st = NULL;
	err e;
	if (store_open(test_store_uri(name), STORE_CREATE, &st, &e))
		fail_msg("store_open: %s", e.msg);
	return st;
}

static void record(store *st, int i)
{
	char target[32], detail[64];
	audit_entry en = {.at = 1700000000 + i,
			  .actor = "user:1",
			  .action = "customer.update",
			  .target = target,
			  .address = "127.0.0.1",
			  .detail = detail};
	err e;

	snprintf(target, sizeof(target), "customer:%d", i);
	snprintf(detail, sizeof(detail), "{\"name\":\"n%d\"}", i);
	if (audit_record(st, &en, &e))
		fail_msg("audit_record: %s", e.msg);
}

/* The hash is BLAKE2b-256 over "<len>:<bytes>\n" of prev, id, at, actor,
 * action, target, address, detail: computed here independently. */
static void hash_follows_canonical_form(void **state)
{
	const char *canon = "64:0000000000000000000000000000000000000000000000000000000000000000\n"
			    "1:1\n"
			    "3:100\n"
			    "6:user:1\n"
			    "11:user.create\n"
			    "6:user:2\n"
			    "0:\n"
			    "0:\n";
	audit_entry en = {
		.id = 1, .at = 100, .actor = "user:1", .action = "user.create", .target = "user:2"};
	unsigned char bin[32];
	char want[65], got[AUDIT_HASH_SIZE];
	(void)state;
	assert_true(sodium_init() >= 0);
	crypto_generichash(bin, 32, (const unsigned char *)canon, strlen(canon), NULL, 0);
	sodium_bin2hex(want, sizeof(want), bin, 32);
	audit_hash("0000000000000000000000000000000000000000000000000000000000000000", &en, got);
	assert_string_equal(got, want);
	/* Moving bytes between fields changes the hash. */
	en.actor = "user:1u";
	en.action = "ser.create";
	audit_hash("0000000000000000000000000000000000000000000000000000000000000000", &en, got);
	assert_string_not_equal(got, want);
}

static void intact_chain_verifies(void **state)
{
	store *st = open_new("ok.db");
	char head[AUDIT_HASH_SIZE];
	int64_t checked = -1, bad = -1;
	audit_entry *v;
	size_t n;
	arena a;
	err e;
	(void)state;
	assert_int_equal(audit_verify(st, &checked, &bad, head, &e), E_OK);
	assert_int_equal(checked, 0);
	assert_string_equal(head,
			    "0000000000000000000000000000000000000000000000000000000000000000");
	for (int i = 1; i <= 5; i++)
		record(st, i);
	assert_int_equal(audit_verify(st, &checked, &bad, head, &e), E_OK);
	assert_int_equal(checked, 5);
	assert_int_equal(bad, 0);
	arena_init(&a, 0);
	assert_int_equal(audit_list(st, &a, 0, 2, &v, &n, &e), E_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, 5);
	assert_string_equal(v[0].hash, head);
	assert_string_equal(v[0].prev_hash, v[1].hash);
	assert_string_equal(v[1].target, "customer:4");
	assert_int_equal(audit_list(st, &a, 2, 10, &v, &n, &e), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, 1);
	arena_release(&a);
	store_close(st);
}

static void append_only_triggers_refuse_changes(void **state)
{
	store *st = open_new("trig.db");
	err e;
	(void)state;
	record(st, 1);
	assert_int_not_equal(store_exec(st, "UPDATE audit_log SET actor = 'x'", &e), E_OK);
	assert_non_null(strstr(e.msg, "append-only"));
	assert_int_not_equal(store_exec(st, "DELETE FROM audit_log", &e), E_OK);
	store_close(st);
}

/* Tampering goes around the triggers, as someone with the file (or the
 * database owner's password) would. DROP TRIGGER differs by dialect. */
static void tamper(store *st, const char *sql)
{
	bool pg = strcmp(test_store_kind(), "postgres") == 0;
	err e;
	if (store_exec(st,
		       pg ? "ALTER TABLE audit_log DISABLE TRIGGER USER"
			  : "DROP TRIGGER IF EXISTS audit_log_no_update;"
			    "DROP TRIGGER IF EXISTS audit_log_no_delete",
		       &e) ||
	    store_exec(st, sql, &e))
		fail_msg("tamper: %s", e.msg);
}

static void changed_entry_is_found(void **state)
{
	store *st = open_new("chg.db");
	char head[AUDIT_HASH_SIZE];
	int64_t checked, bad;
	err e;
	(void)state;
	for (int i = 1; i <= 5; i++)
		record(st, i);
	tamper(st, "UPDATE audit_log SET detail = '{\"name\":\"forged\"}' WHERE id = 3");
	assert_int_equal(audit_verify(st, &checked, &bad, head, &e), E_CONFLICT);
	assert_int_equal(bad, 3);
	assert_int_equal(checked, 2);
	assert_non_null(strstr(e.msg, "entry 3 was changed"));
	store_close(st);
}

static void removed_entry_is_found(void **state)
{
	store *st = open_new("del.db");
	char head[AUDIT_HASH_SIZE];
	int64_t checked, bad;
	err e;
	(void)state;
	for (int i = 1; i <= 5; i++)
		record(st, i);
	tamper(st, "DELETE FROM audit_log WHERE id = 2");
	assert_int_equal(audit_verify(st, &checked, &bad, head, &e), E_CONFLICT);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(e.msg, "does not follow"));
	store_close(st);
}

/* Rewriting an entry and its own hash still breaks the link to the next. */
static void rehashed_entry_breaks_the_next_link(void **state)
{
	store *st = open_new("rehash.db");
	char head[AUDIT_HASH_SIZE], h[AUDIT_HASH_SIZE], sql[512];
	audit_entry en = {.id = 2,
			  .at = 1700000002,
			  .actor = "user:9",
			  .action = "customer.update",
			  .target = "customer:2",
			  .address = "127.0.0.1",
			  .detail = "{\"name\":\"n2\"}"};
	int64_t checked, bad, prev_id;
	char prev[AUDIT_HASH_SIZE];
	err e;
	(void)state;
	for (int i = 1; i <= 4; i++)
		record(st, i);
	/* Entry 2's prev hash is entry 1's hash. */
	assert_int_equal(
		store_query_int64(st, "SELECT id FROM audit_log WHERE id = 1", &prev_id, &e, 0),
		E_OK);
	{
		stmt *s;
		assert_int_equal(
			store_prepare(st, "SELECT hash FROM audit_log WHERE id = 1", &s, &e), E_OK);
		assert_true(stmt_row(s, &e));
		snprintf(prev, sizeof(prev), "%s", stmt_text(s, 0));
		stmt_done(s);
	}
	audit_hash(prev, &en, h);
	snprintf(sql, sizeof(sql),
		 "UPDATE audit_log SET actor = 'user:9', hash = '%s' WHERE id = 2", h);
	tamper(st, sql);
	assert_int_equal(audit_verify(st, &checked, &bad, head, &e), E_CONFLICT);
	assert_int_equal(bad, 3);
	store_close(st);
}

static void record_inside_rolled_back_transaction_vanishes(void **state)
{
	store *st = open_new("txn.db");
	char head[AUDIT_HASH_SIZE];
	int64_t checked, bad, n;
	err e;
	(void)state;
	record(st, 1);
	assert_int_equal(store_begin(st, &e), E_OK);
	record(st, 2);
	store_rollback(st);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM audit_log", &n, &e, 0), E_OK);
	assert_int_equal(n, 1);
	record(st, 3);
	assert_int_equal(audit_verify(st, &checked, &bad, head, &e), E_OK);
	assert_int_equal(checked, 2);
	{
		audit_entry bad_en = {.actor = "", .action = "x"};
		assert_int_equal(audit_record(st, &bad_en, &e), E_INTERNAL);
	}
	store_close(st);
}

/* One entry through a remembered head. */
static void record_at(store *st, audit_head *h, const char *action)
{
	audit_entry en = {.actor = "user:1", .action = action};
	err e;

	if (audit_record_at(st, h, &en, &e))
		fail_msg("audit_record_at: %s", e.msg);
}

/* A remembered head stays right while other writers (another handle, as
 * another process would be) append, and inside transactions that roll
 * back or commit. */
static void remembered_head_follows_other_writers(void **state)
{
	const char *uri = test_store_uri("head.db");
	store *a = open_new("head.db"), *b = NULL;
	audit_head *h = audit_head_new();
	char head[AUDIT_HASH_SIZE];
	int64_t checked, bad, n;
	err e;
	(void)state;
	if (store_open(uri, 0, &b, &e))
		fail_msg("store_open: %s", e.msg);
	record_at(a, h, "a.one");
	record_at(a, h, "a.two");
	record(b, 3); /* the head remembered by `a` is stale now */
	record(b, 4);
	record_at(a, h, "a.three");
	assert_int_equal(store_begin(a, &e), E_OK);
	record_at(a, h, "a.rolled_back");
	store_rollback(a);
	record_at(a, h, "a.four");
	assert_int_equal(store_begin(a, &e), E_OK);
	record_at(a, h, "a.nested");
	assert_int_equal(store_commit(a, &e), E_OK);
	record(b, 5);
	record_at(a, h, "a.five");
	record_at(a, h, "a.six");
	assert_int_equal(audit_verify(a, &checked, &bad, head, &e), E_OK);
	assert_int_equal(store_query_int64(a, "SELECT COUNT(*) FROM audit_log", &n, &e, 0), E_OK);
	assert_int_equal(checked, 10);
	assert_int_equal(n, 10);
	assert_int_equal(store_query_int64(a,
					   "SELECT COUNT(*) FROM audit_log WHERE action = "
					   "'a.rolled_back'",
					   &n, &e, 0),
			 E_OK);
	assert_int_equal(n, 0);
	audit_head_free(h);
	store_close(b);
	store_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_follows_canonical_form),
		cmocka_unit_test(intact_chain_verifies),
		cmocka_unit_test(append_only_triggers_refuse_changes),
		cmocka_unit_test(changed_entry_is_found),
		cmocka_unit_test(removed_entry_is_found),
		cmocka_unit_test(rehashed_entry_breaks_the_next_link),
		cmocka_unit_test(record_inside_rolled_back_transaction_vanishes),
		cmocka_unit_test(remembered_head_follows_other_writers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
