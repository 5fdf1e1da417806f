// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The preload library's syscall(): __NR_bpf goes to userbpf, everything else to libc. */
#include "sys/sys.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <sys/syscall.h>

static long (*real_syscall)(long, ...);

/* libc's syscall(), looked up once at load time rather than tested on every call. */
__attribute__((constructor)) static void syscall_hook_init(void)
{
	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
}

/* Not static: the x86-64 hook below jumps here from assembly. */
UB_HIDDEN __attribute__((noinline)) long ub_syscall_forward(long number, long a1, long a2, long a3,
							    long a4, long a5, long a6);
long ub_syscall_forward(long number, long a1, long a2, long a3, long a4, long a5, long a6)
{
	if (unlikely(!real_syscall)) /* called from another library's constructor */
		real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real_syscall(number, a1, a2, a3, a4, a5, a6);
}

#if defined(__x86_64__)
#define HOOK_STR_(x) #x
#define HOOK_STR(x) HOOK_STR_(x)
/*
 * A compare and a conditional jump: syscall()'s registers are already
 * ub_bpf_syscall()'s arguments, and any other call reaches
 * ub_syscall_forward() with its stack untouched, the seventh argument
 * included. Written in C, gcc loaded that seventh argument from the stack at
 * entry, on bpf() calls too, for its tail call to the forwarder; the slot is
 * the start of the caller's frame, where libbpf has just built its attr with
 * 16- and 4-byte stores, so the 8-byte load could not be forwarded from them
 * and waited: 6.9 ns per libbpf lookup against 4.8 ns for a raw syscall().
 */
__attribute__((naked, visibility("default"))) long syscall(long number __attribute__((unused)),
							   ...)
{
	__asm__("cmp $" HOOK_STR(SYS_bpf) ", %rdi\n\t"
		"je ub_bpf_syscall\n\t"
		"jmp ub_syscall_forward");
}
#elif defined(__aarch64__) && !defined(__APPLE__)
/*
 * On this ABI a variadic call passes its integer arguments exactly where a
 * call with six fixed long parameters would, so the hook takes them as fixed
 * parameters and skips the va_list register spill on every bpf() call (a
 * caller that passed fewer leaves unused slots holding garbage, which libc's
 * own syscall() forwards just the same). <unistd.h>'s variadic prototype is
 * deliberately not included here.
 */
__attribute__((visibility("default"), hot)) long syscall(long number, long a1, long a2, long a3,
							 long a4, long a5, long a6)
{
	if (likely(number == SYS_bpf))
		return ub_bpf_syscall(number, a1, a2, a3);
	return ub_syscall_forward(number, a1, a2, a3, a4, a5, a6);
}
#else
__attribute__((visibility("default"), hot)) long syscall(long number, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (likely(number == SYS_bpf))
		return ub_bpf_syscall(number, a[0], a[1], a[2]);
	return ub_syscall_forward(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
#endif
