/* rng.c: xoshiro256** (Blackman and Vigna 2018) and the distributions the
 * demo shop draws from. */
#include "demo/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void demo_rng_seed(demo_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	/* xoshiro must not start from all zeros; splitmix64 makes that
	 * practically impossible, but the guard costs nothing. */
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

uint64_t demo_rng_next(demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double demo_rng_uniform(demo_rng *r)
{
	return (double)(demo_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t demo_rng_below(demo_rng *r, uint64_t n)
{
	/* Rejects the top partial bucket so every value is equally likely. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;

	do
		x = demo_rng_next(r);
	while (x >= limit);
	return x % n;
}

int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)demo_rng_below(r, (uint64_t)(hi - lo) + 1);
}

bool demo_rng_chance(demo_rng *r, double p)
{
	return demo_rng_uniform(r) < p;
}

double demo_rng_exp(demo_rng *r)
{
	/* 1 - U is in (0, 1]: the log is finite. */
	return -log(1.0 - demo_rng_uniform(r));
}

double demo_rng_normal(demo_rng *r)
{
	double u, v, s;

	do {
		u = 2.0 * demo_rng_uniform(r) - 1.0;
		v = 2.0 * demo_rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

double demo_rng_gamma(demo_rng *r, double k)
{
	double d, c, x, v, u;

	if (k < 1.0) {
		double u1 = 1.0 - demo_rng_uniform(r);
		return demo_rng_gamma(r, k + 1.0) * pow(u1, 1.0 / k);
	}
	d = k - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		do {
			x = demo_rng_normal(r);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = demo_rng_uniform(r);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v;
		if (u > 0.0 && log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double demo_rng_beta(demo_rng *r, double a, double b)
{
	double x = demo_rng_gamma(r, a);
	double y = demo_rng_gamma(r, b);

	return x + y > 0.0 ? x / (x + y) : 0.5;
}

size_t demo_rng_weighted(demo_rng *r, const unsigned *weights, size_t n)
{
	uint64_t total = 0, pick;

	for (size_t i = 0; i < n; i++)
		total += weights[i];
	pick = demo_rng_below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (pick < weights[i])
			return i;
		pick -= weights[i];
	}
	return n - 1;
}

size_t demo_rng_pick_cum(demo_rng *r, const uint32_t *cum, size_t n)
{
	uint64_t pick = demo_rng_below(r, cum[n - 1]);
	size_t lo = 0, hi = n - 1;

	/* The first i with pick < cum[i]. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pick < cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
