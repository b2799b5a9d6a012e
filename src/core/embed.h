/* embed.h: files compiled into the binary by cmake/embed.cmake. */
#ifndef ECRM_EMBED_H
#define ECRM_EMBED_H

#include <stddef.h>

typedef struct {
	const char *name;           /* path relative to the embedded folder */
	const unsigned char *data;  /* `size` bytes followed by a NUL */
	size_t size;
} embedded_file;

#endif
