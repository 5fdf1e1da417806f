// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libc interposers that keep the fd table right and give map fds the kernel's
 * mmap/mprotect/munmap/ftruncate answers. Linked into libuserbpf.so (a program
 * linked against it gets them ahead of libc) and libuserbpf-preload.so.
 */
#include "sys/sys.h"
#include "sys/raw.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#define UB_EXPORT __attribute__((visibility("default")))

/* The next definition of @name (libc's), looked up once. */
#define REAL(name)                                                                          \
	static __typeof__(&name) real_##name;                                               \
	if (!real_##name)                                                                   \
	real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

/* The last holder of an object may be gone: it is released now, not lazily. */
UB_EXPORT int close(int fd)
{
	REAL(close);
	return ub_obj_close(fd, real_close);
}

UB_EXPORT int dup(int oldfd)
{
	REAL(dup);
	int fd = real_dup(oldfd);
	if (fd >= 0)
		ub_fd_dup(oldfd, fd);
	return fd;
}

UB_EXPORT int dup2(int oldfd, int newfd)
{
	REAL(dup2);
	int fd = real_dup2(oldfd, newfd);
	if (fd >= 0 && oldfd != newfd)
		ub_fd_dup(oldfd, fd);
	return fd;
}

UB_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	REAL(dup3);
	int fd = real_dup3(oldfd, newfd, flags);
	if (fd >= 0)
		ub_fd_dup(oldfd, fd);
	return fd;
}

static int fcntl_common(int (*real)(int, int, ...), int fd, int cmd, va_list ap)
{
	void *arg = va_arg(ap, void *);
	int r = real(fd, cmd, arg);
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		ub_fd_dup(fd, r);
	return r;
}

UB_EXPORT int fcntl(int fd, int cmd, ...)
{
	REAL(fcntl);
	va_list ap;
	va_start(ap, cmd);
	int r = fcntl_common(real_fcntl, fd, cmd, ap);
	va_end(ap);
	return r;
}

UB_EXPORT int fcntl64(int fd, int cmd, ...)
{
	REAL(fcntl64);
	REAL(fcntl);
	va_list ap;
	va_start(ap, cmd);
	int r = fcntl_common(real_fcntl64 ? real_fcntl64 : real_fcntl, fd, cmd, ap);
	va_end(ap);
	return r;
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

UB_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	REAL(close_range);
	int r = real_close_range(first, last, flags);
	if (r == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
		ub_fd_forget_range(first, last);
	return r;
}

UB_EXPORT void closefrom(int lowfd)
{
	REAL(closefrom);
	real_closefrom(lowfd);
	if (lowfd >= 0)
		ub_fd_forget_range((unsigned)lowfd, ~0u);
}

static void *map_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off,
		      void *(*real)(void *, size_t, int, int, int, off_t))
{
	bool is_map;
	void *obj = NULL;
	int err = ub_map_mmap_check(fd, len, prot, flags, off, &is_map, &obj);
	if (!is_map) {
		void *q = real(addr, len, prot, flags, fd, off);
		if (q != MAP_FAILED && (flags & MAP_FIXED)) {
			int e = errno;
			ub_map_munmap_note(q, len);
			errno = e;
		}
		return q;
	}
	if (err) {
		errno = -err;
		return MAP_FAILED;
	}
	void *p;
	if (prot & PROT_WRITE) {
		p = real(addr, len, prot, flags, fd, off);
	} else {
		/*
		 * A read-only mapping can never become writable: map it through a
		 * read-only open file description (holding the map like the user's
		 * fd does), so the kernel itself refuses mprotect(PROT_WRITE).
		 */
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		int rfd = open(path, O_RDONLY | O_CLOEXEC);
		if (rfd < 0)
			return MAP_FAILED;
		flock(rfd, LOCK_SH | LOCK_NB);
		p = real(addr, len, prot, flags, rfd, off);
		ub_raw_close(rfd);
	}
	/* Whatever MAP_FIXED mapped over is gone. */
	if (p != MAP_FAILED && (flags & MAP_FIXED))
		ub_map_munmap_note(p, len);
	int e = errno;
	ub_map_mmap_done(obj, p, len, prot); /* also on failure: it ends the check */
	errno = e;
	return p;
}

UB_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	REAL(mmap);
	if (fd < 0 || (flags & MAP_ANONYMOUS)) {
		void *p = real_mmap(addr, len, prot, flags, fd, off);
		/* A fixed mapping over a map's mapping unmaps that. */
		if (p != MAP_FAILED && (flags & MAP_FIXED)) {
			int e = errno;
			ub_map_munmap_note(p, len);
			errno = e;
		}
		return p;
	}
	return map_mmap(addr, len, prot, flags, fd, off, real_mmap);
}

UB_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

/*
 * fork() copies the process's map mappings: the kernel counts each copy of a
 * writable one against freeze, so the child's are counted before the parent
 * goes on. (vfork() and posix_spawn() share the memory: nothing to count.)
 */
UB_EXPORT pid_t fork(void)
{
	REAL(fork);
	ub_map_fork_prepare();
	pid_t r = real_fork();
	int e = errno;
	if (r == 0)
		ub_map_fork_child();
	else
		ub_map_fork_parent(r);
	errno = e;
	return r;
}

/* A map's mapping can move or shrink but not grow (EFAULT), as in the kernel. */
UB_EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	REAL(mremap);
	void *want = NULL, *obj = NULL;
	bool writable = false;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		want = va_arg(ap, void *);
		va_end(ap);
	}
	int err = ub_map_mremap_check(old, old_len, new_len, &obj, &writable);
	if (err) {
		errno = -err;
		return MAP_FAILED;
	}
	void *p = real_mremap(old, old_len, new_len, flags, want);
	if (obj) {
		int e = errno;
		if (p != MAP_FAILED)
			ub_map_mremap_done(obj, writable, old, old_len, p, new_len);
		else
			ub_obj_put(obj);
		errno = e;
	} else if (p != MAP_FAILED && (flags & MREMAP_FIXED)) {
		int e = errno;
		ub_map_munmap_note(p, new_len); /* moved over a map's mapping */
		errno = e;
	}
	return p;
}

UB_EXPORT int munmap(void *addr, size_t len)
{
	REAL(munmap);
	int r = real_munmap(addr, len);
	if (r == 0)
		ub_map_munmap_note(addr, len);
	return r;
}

UB_EXPORT int mprotect(void *addr, size_t len, int prot)
{
	REAL(mprotect);
	int err = ub_map_mprotect_check(addr, len, prot);
	if (err) {
		errno = -err;
		return -1;
	}
	return real_mprotect(addr, len, prot);
}

/* A map fd is not a regular file: its size cannot change. */
UB_EXPORT int ftruncate(int fd, off_t len)
{
	REAL(ftruncate);
	/* Resolve the fd (one received over SCM_RIGHTS is not in the table yet). */
	u32 mode;
	int e = errno;
	if (ub_fd_get(fd, &mode)) {
		errno = EINVAL;
		return -1;
	}
	errno = e;
	return real_ftruncate(fd, len);
}

UB_EXPORT int ftruncate64(int fd, off_t len)
{
	return ftruncate(fd, len);
}
