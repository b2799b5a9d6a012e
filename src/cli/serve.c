/* serve.c: `ecrm serve [--listen HOST:PORT] [--threads N]`: run the HTTP
 * server until SIGTERM or SIGINT, then stop gracefully. */
#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"
#include "service/import_runner.h"

#include <pthread.h>
#include <signal.h>

/* Parses a positive integer option value; false (after saying why) when not. */
static pthread_t main_thread;

/* Runs only in a thread that does not block the stop signals: passes the
 * signal to the main thread, which waits for it in sigwait. */
static void forward_stop(int sig)
{
	pthread_kill(main_thread, sig);
}

static bool parse_count(const char *opt, const char *s, unsigned *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 256) {
		fprintf(stderr, "ecrm serve: %s wants a number from 1 to 256, not '%s'\n", opt, s);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

int cmd_serve(cli_ctx *ctx, int argc, char **argv)
{
	http_settings set;
	http_server *srv = NULL;
	import_runner *runner = NULL;
	sigset_t sigs;
	unsigned left;
	int sig = 0;
	err e;

	http_settings_init(&set, ctx->cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--listen") == 0 || strcmp(a, "--threads") == 0) && i + 1 >= argc)
			return cli_usage("serve", "%s needs a value", a);
		if (strcmp(a, "--listen") == 0)
			snprintf(set.listen, sizeof(set.listen), "%s", argv[++i]);
		else if (strncmp(a, "--listen=", 9) == 0)
			snprintf(set.listen, sizeof(set.listen), "%s", a + 9);
		else if (strcmp(a, "--threads") == 0) {
			if (!parse_count(a, argv[++i], &set.threads))
				return CLI_USAGE;
		} else if (strncmp(a, "--threads=", 10) == 0) {
			if (!parse_count("--threads", a + 10, &set.threads))
				return CLI_USAGE;
		} else
			return cli_usage("serve", "unexpected argument '%s'", a);
	}
	/* Migrate, load the personal-data keys and seal any plain rows once,
	 * before the workers open their own handles. */
	store *first = cli_open_store(ctx, 0);
	if (!first)
		return CLI_FAIL;
	store_close(first);
	/* Block the stop signals in this thread and in every thread started
	 * from now on, so only sigwait below sees them. Threads that libraries
	 * start before main (OpenBLAS's pool) do not inherit the mask: a stop
	 * signal landing on one of them runs forward_stop, which hands it to
	 * this thread instead of killing the process. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	main_thread = pthread_self();
	struct sigaction sa = { .sa_handler = forward_stop };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	err_clear(&e);
	if (http_server_start(ctx->db_uri, cli_keys(ctx), &set, &srv, &e))
		return cli_fail(&e);
	/* Import jobs uploaded to any server on this database run here too. */
	if (config_int(ctx->cfg, "import", "runner", 1) &&
	    import_runner_start(ctx->db_uri, cli_keys(ctx), ctx->cfg, &runner, &e)) {
		http_server_stop(srv);
		return cli_fail(&e);
	}
	/* Scripts and tests read this line to learn the port (with :0). */
	printf("ecrm: listening on http://%.*s:%u (%u threads, database %s)\n",
	       (int)(strrchr(set.listen, ':') - set.listen), set.listen, http_server_port(srv),
	       set.threads, ctx->db_uri);
	fflush(stdout);
	if (sigwait(&sigs, &sig) != 0)
		sig = SIGTERM;
	log_info("%s: finishing requests in flight, then stopping",
		 sig == SIGINT ? "SIGINT" : "SIGTERM");
	left = http_server_stop(srv);
	import_runner_stop(runner);
	if (left) {
		log_warn("stopped with %u requests unfinished after %u s", left,
			 set.shutdown_grace);
		return CLI_FAIL;
	}
	log_info("stopped");
	return CLI_OK;
}
