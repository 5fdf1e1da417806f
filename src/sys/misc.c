// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Machine facts (possible CPUs) and the library's diagnostic log. */
#include "internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int possible_cpus;
static pthread_once_t cpus_once = PTHREAD_ONCE_INIT;

/* Parse a cpulist such as "0-1" or "0,2-5": the count is the highest + 1. */
static void read_possible(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	char buf[256];
	int max = 0;
	if (f && fgets(buf, sizeof(buf), f)) {
		char *p = buf;
		while (*p) {
			char *end;
			long a = strtol(p, &end, 10), b = a;
			if (end == p)
				break;
			if (*end == '-')
				b = strtol(end + 1, &end, 10);
			if (b + 1 > max)
				max = (int)b + 1;
			p = *end == ',' ? end + 1 : end;
			if (*p == '\n')
				break;
		}
	}
	if (f)
		fclose(f);
	possible_cpus = max > 0 ? max : 1;
}

int ub_possible_cpus(void)
{
	pthread_once(&cpus_once, read_possible);
	return possible_cpus;
}

int ub_num_possible_cpus(void)
{
	return ub_possible_cpus();
}

void ub_log(const char *fmt, ...)
{
	static int enabled = -1;
	if (enabled < 0)
		enabled = getenv("USERBPF_DEBUG") != NULL;
	if (!enabled)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("userbpf: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
