/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Raw x86-64 system calls, for code that must not re-enter the interposed libc symbols. */
#ifndef UB_RAW_H
#define UB_RAW_H

#include <sys/syscall.h>
#include <sys/types.h>

static inline long ub_raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#ifdef __SANITIZE_THREAD__
/*
 * Under ThreadSanitizer, go through its interceptors (still past our own
 * interposers): it must see an unmap or a close, or it reports the next user
 * of the same addresses or fd number as racing with the previous one.
 */
#include <errno.h>
void *__interceptor_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __interceptor_munmap(void *addr, size_t len);
int __interceptor_close(int fd);

static inline long ub_raw_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	int saved = errno;
	void *p = __interceptor_mmap(addr, len, prot, flags, fd, off);
	long r = p == (void *)-1 ? -errno : (long)p;
	errno = saved;
	return r;
}

static inline long ub_raw_munmap(void *addr, size_t len)
{
	int saved = errno;
	long r = __interceptor_munmap(addr, len) ? -errno : 0;
	errno = saved;
	return r;
}

static inline long ub_raw_close(int fd)
{
	int saved = errno;
	long r = __interceptor_close(fd) ? -errno : 0;
	errno = saved;
	return r;
}
#else
/* Each returns the kernel's result: >= 0, or -errno (errno is not touched). */
static inline long ub_raw_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return ub_raw_syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);
}

static inline long ub_raw_munmap(void *addr, size_t len)
{
	return ub_raw_syscall6(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

static inline long ub_raw_close(int fd)
{
	return ub_raw_syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
}
#endif

static inline int ub_raw_is_err(long r)
{
	return r < 0 && r > -4096;
}

#endif
