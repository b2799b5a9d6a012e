/* radix.c: LSD radix sort of int64 keys (sign bit flipped so negative keys
 * order before positive ones). */
#include "analytics/radix.h"

#define SIGN UINT64_C(0x8000000000000000)

void radix_sort_i64(int64_t *v, size_t n, int64_t *tmp)
{
	size_t count[8][256];
	int64_t *src = v, *dst = tmp;

	if (n < 2)
		return;
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		uint64_t k = (uint64_t)v[i] ^ SIGN;
		for (int b = 0; b < 8; b++)
			count[b][(k >> (8 * b)) & 0xff]++;
	}
	for (int b = 0; b < 8; b++) {
		size_t *c = count[b], sum = 0;
		uint64_t k0 = ((uint64_t)v[0] ^ SIGN) >> (8 * b) & 0xff;

		if (c[k0] == n) /* every key has this byte: the pass moves nothing */
			continue;
		for (int j = 0; j < 256; j++) {
			size_t t = c[j];
			c[j] = sum;
			sum += t;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t k = (uint64_t)src[i] ^ SIGN;
			dst[c[(k >> (8 * b)) & 0xff]++] = src[i];
		}
		int64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}
