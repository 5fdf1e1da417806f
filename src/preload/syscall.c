// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The preload library's syscall(): __NR_bpf goes to userbpf, everything else to libc. */
#include "internal.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <sys/syscall.h>

__attribute__((visibility("default"))) long syscall(long number, ...)
{
	static long (*real_syscall)(long, ...);
	va_list ap;
	long a[6];

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_bpf)
		return ub_bpf((int)a[0], (union bpf_attr *)a[1], (unsigned int)a[2]);
	if (!real_syscall)
		real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
