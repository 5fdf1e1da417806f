/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The test harness: CHECK() counts, T_DONE() prints "N passed, N failed". */
#ifndef UB_T_H
#define UB_T_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail, t_skip;

#define CHECK(cond, fmt, ...)                                                               \
	do {                                                                                \
		if (cond) {                                                                 \
			t_pass++;                                                           \
		} else {                                                                    \
			t_fail++;                                                           \
			fprintf(stderr, "FAIL %s:%d: %s: " fmt "\n", __FILE__, __LINE__, #cond,  \
				##__VA_ARGS__);                                             \
		}                                                                           \
	} while (0)

/* Expect r == want, and errno == werr when want is -1. */
#define CHECK_RET(r, want, werr, what)                                                      \
	do {                                                                                \
		long _r = (long)(r);                                                        \
		int _e = errno;                                                             \
		CHECK(_r == (want) && ((want) != -1 || _e == (werr)),                       \
		      "%s: got %ld errno %d (%s), want %ld errno %d", what, _r, _e,         \
		      strerror(_e), (long)(want), (werr));                                  \
	} while (0)

#define SKIP(why)                                                                           \
	do {                                                                                \
		t_skip++;                                                                   \
		fprintf(stderr, "SKIP %s:%d: %s\n", __FILE__, __LINE__, why);               \
	} while (0)

static inline int t_done(void)
{
	printf("%d passed, %d failed, %d skipped\n", t_pass, t_fail, t_skip);
	return t_fail ? 1 : 0;
}
#define T_DONE() t_done()

#endif
