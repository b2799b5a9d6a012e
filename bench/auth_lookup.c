/* auth_lookup.c: what authenticating one request costs: an API key lookup
 * and a session lookup, each inside one read transaction as the server runs
 * them, on a fresh database, and the auth generation read that a cached
 * identity costs instead (http/auth.c). Prints a table; never asserts on time.
 * usage: bench_auth_lookup [ITERATIONS] */
#include "core/arena.h"
#include "domain/apikey.h"
#include "domain/authgen.h"
#include "domain/session.h"

#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	char path[] = "/tmp/ecrm-bench-auth-XXXXXX", db[64], key[APIKEY_SIZE];
	char token[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE], hash[SESSION_HASH_SIZE];
	int64_t uid;
	store *st;
	arena a;
	err e;
	double t0, t_key, t_sess, t_hash, t_txn, t_gen, t_gen2;
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	close(fd);
	snprintf(db, sizeof(db), "%s", path);
	if (store_open(db, STORE_CREATE, &st, &e) ||
	    apikey_create(st, "bench", ROLE_VIEWER, "bench", 0, key, NULL, &e) ||
	    user_create(st, "b@example.com", "B", ROLE_AGENT, "x", 0, &uid, &e) ||
	    session_create(st, uid, 0, 1 << 30, NULL, NULL, token, csrf, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return 1;
	}
	arena_init(&a, 0);
	t0 = now();
	for (long i = 0; i < n; i++)
		session_token_hash(key, hash);
	t_hash = now() - t0;
	t0 = now();
	for (long i = 0; i < n; i++) {
		if (store_begin_read(st, &e) || store_commit(st, &e))
			return 1;
	}
	t_txn = now() - t0;
	t0 = now();
	for (long i = 0; i < n; i++) {
		apikey k;
		if (store_begin_read(st, &e) || apikey_lookup(st, &a, key, &k, &e) ||
		    store_commit(st, &e))
			return 1;
		arena_clear(&a);
	}
	t_key = now() - t0;
	t0 = now();
	for (long i = 0; i < n; i++) {
		session s;
		if (store_begin_read(st, &e) || session_lookup(st, &a, token, 1, &s, &e) ||
		    store_commit(st, &e))
			return 1;
		arena_clear(&a);
	}
	t_sess = now() - t0;
	/* What a cached identity costs instead: the auth generation check. */
	t0 = now();
	for (long i = 0; i < n; i++) {
		int64_t g;
		if (store_begin_read(st, &e) || authgen_read(st, &g, &e) || store_commit(st, &e))
			return 1;
	}
	t_gen = now() - t0;
	/* A request reads more than that: once its transaction has read
	 * something (the snapshot is taken), the check costs only the step. */
	t0 = now();
	for (long i = 0; i < n; i++) {
		int64_t g;
		if (store_begin_read(st, &e) || authgen_read(st, &g, &e) ||
		    authgen_read(st, &g, &e) || store_commit(st, &e))
			return 1;
	}
	t_gen2 = now() - t0 - t_gen;
	printf("%-40s %12s %10s\n", "operation", "per second", "us each");
	printf("%-40s %12.0f %10.2f\n", "BLAKE2b token hash", n / t_hash, 1e6 * t_hash / n);
	printf("%-40s %12.0f %10.2f\n", "empty read transaction", n / t_txn, 1e6 * t_txn / n);
	printf("%-40s %12.0f %10.2f\n", "API key lookup in a read transaction", n / t_key,
	       1e6 * t_key / n);
	printf("%-40s %12.0f %10.2f\n", "session lookup in a read transaction", n / t_sess,
	       1e6 * t_sess / n);
	printf("%-40s %12.0f %10.2f\n", "auth generation in a read transaction", n / t_gen,
	       1e6 * t_gen / n);
	printf("%-40s %12.0f %10.2f\n", "auth generation, after another read", n / t_gen2,
	       1e6 * t_gen2 / n);
	arena_release(&a);
	store_close(st);
	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	return 0;
}
