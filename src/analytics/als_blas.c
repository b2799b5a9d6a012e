/* als_blas.c: the OpenBLAS calls of ALS, alone in this file because
 * OpenBLAS's cblas.h and GSL's gsl_cblas.h declare the same names. */
#include "analytics/als.h"

#include <cblas.h>

void als_blas_single_thread(void)
{
	/* Process-wide: a server or a kernel that runs its own threads must not
	 * also have each BLAS call fan out to OpenBLAS's pool. */
	openblas_set_num_threads(1);
}

void als_blas_gram(const float *a, size_t n, uint32_t f, float reg, float *g)
{
	int fi = (int)f;

	if (n == 0) {
		memset(g, 0, (size_t)f * f * sizeof(*g));
	} else {
		/* Upper triangle of A'A in row-major order, then mirrored. */
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, fi, (int)n, 1.0f, a, fi, 0.0f, g,
			    fi);
	}
	for (uint32_t r = 0; r < f; r++) {
		g[(size_t)r * f + r] += reg;
		for (uint32_t c = 0; c < r; c++)
			g[(size_t)r * f + c] = g[(size_t)c * f + r];
	}
}

void als_blas_symv(uint32_t f, const float *g, const float *x, float *y)
{
	cblas_ssymv(CblasRowMajor, CblasUpper, (int)f, 1.0f, g, (int)f, x, 1, 0.0f, y, 1);
}

void als_blas_mm(const float *a, size_t m, const float *g, uint32_t f, float *c)
{
	if (m == 0)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)f, (int)f, 1.0f, a,
		    (int)f, g, (int)f, 0.0f, c, (int)f);
}

void als_blas_abt(const float *a, size_t m, const float *b, size_t n, uint32_t f, float *c)
{
	if (m == 0 || n == 0)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)f, 1.0f, a,
		    (int)f, b, (int)f, 0.0f, c, (int)n);
}
