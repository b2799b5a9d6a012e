/* parallel.c: parallel_for on pthreads: one short-lived thread per chunk.
 * Kernels call it a handful of times per run, so starting threads (tens of
 * microseconds) costs nothing next to the work in a chunk. */
#include "analytics/parallel.h"

#include <pthread.h>
#include <unistd.h>

#define PARALLEL_MAX_THREADS 64

typedef struct {
	parallel_fn fn;
	void *ctx;
	size_t begin, end;
	int worker;
} chunk;

static void *run_chunk(void *arg)
{
	chunk *c = arg;
	c->fn(c->ctx, c->begin, c->end, c->worker);
	return NULL;
}

int parallel_for(int threads, size_t n, size_t min_chunk, parallel_fn fn, void *ctx)
{
	chunk chunks[PARALLEL_MAX_THREADS];
	pthread_t tid[PARALLEL_MAX_THREADS];
	bool started[PARALLEL_MAX_THREADS];
	size_t t;

	if (threads < 1)
		threads = 1;
	if (threads > PARALLEL_MAX_THREADS)
		threads = PARALLEL_MAX_THREADS;
	if (min_chunk < 1)
		min_chunk = 1;
	t = (size_t)threads;
	if (n / min_chunk < t)
		t = n / min_chunk ? n / min_chunk : 1;
	for (size_t i = 0; i < t; i++) {
		chunks[i] = (chunk){ fn, ctx, n * i / t, n * (i + 1) / t, (int)i };
		started[i] = false;
	}
	/* Chunk 0 runs on the calling thread, after the others are started. */
	for (size_t i = 1; i < t; i++)
		started[i] = pthread_create(&tid[i], NULL, run_chunk, &chunks[i]) == 0;
	run_chunk(&chunks[0]);
	for (size_t i = 1; i < t; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			run_chunk(&chunks[i]);
	}
	return (int)t;
}

int parallel_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > PARALLEL_MAX_THREADS ? PARALLEL_MAX_THREADS : (int)n;
}
