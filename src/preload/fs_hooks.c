// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What bpf tools look at outside bpf(), answered for userbpf objects and the
 * /sys/fs/bpf pin tree: statfs() of a pin directory says BPF_FS_MAGIC,
 * readlink() of /proc/self/fd/N says anon_inode:bpf-map (bpf-prog, btf,
 * bpf_link), /proc/self/fdinfo/N has the kernel's text, and path calls
 * under /sys/fs/bpf reach the
 * namespace's bpffs directory (so rm, mkdir, ls work there). Everything else
 * passes through untouched; the real bpffs is never touched.
 */
#include "sys/sys.h"
#include "sys/pin.h"
#include "sys/raw.h"
#include "maps/map.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define UB_EXPORT __attribute__((visibility("default")))
#define TMPFS_MAGIC_ 0x01021994

/* The next definition of @name (libc's), looked up once. */
#define REAL(name)                                                                          \
	static __typeof__(&name) real_##name;                                               \
	if (!real_##name)                                                                   \
	real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

/* The namespace path for a /sys/fs/bpf path, else @path itself. */
static const char *redirect(const char *path, char *buf, size_t sz)
{
	if (!ub_bpffs_maybe(path))
		return path;
	return ub_bpffs_path(path, buf, sz) == 1 ? buf : path;
}
#define RBUF char rbuf_[PATH_MAX + 256]
#define R(p) redirect((p), rbuf_, sizeof(rbuf_))

/*
 * "/proc/self/<what>/N", "/proc/thread-self/<what>/N" or "/proc/<our pid>/<what>/N":
 * N, or -1 if @path is not that.
 */
static int proc_self_fd(const char *path, const char *what)
{
	if (!path || strncmp(path, "/proc/", 6))
		return -1;
	const char *p = path + 6;
	if (!strncmp(p, "self/", 5)) {
		p += 5;
	} else if (!strncmp(p, "thread-self/", 12)) {
		p += 12;
	} else {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p || *end != '/' || pid != getpid())
			return -1;
		p = end + 1;
	}
	size_t wl = strlen(what);
	if (strncmp(p, what, wl) || p[wl] != '/')
		return -1;
	p += wl + 1;
	char *end;
	long fd = strtol(p, &end, 10);
	if (end == p || *end || fd < 0 || fd > INT_MAX)
		return -1;
	return (int)fd;
}

/* The userbpf object behind @fd and the fd's access mode, or NULL. */
static struct ub_obj *object_of(int fd, u32 *mode)
{
	if (!ub_fd_known(fd))
		return NULL;
	return ub_fd_get(fd, mode);
}

static int raw_open(const char *path, int flags)
{
	return (int)ub_raw_syscall6(SYS_openat, AT_FDCWD, (long)path, flags, 0, 0, 0);
}

/*
 * mnt_id from the real fdinfo of @fd (the backing file's mount). Every
 * object file is on the namespace's one mount: read it once per process.
 */
static long real_mnt_id(int fd)
{
	static long cached = -1;
	long v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	if (v >= 0)
		return v;
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	int f = raw_open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return 0;
	long n = ub_raw_syscall6(SYS_read, f, (long)buf, sizeof(buf) - 1, 0, 0, 0);
	ub_raw_close(f);
	buf[n > 0 ? n : 0] = '\0';
	char *m = strstr(buf, "mnt_id:");
	v = m ? strtol(m + 7, NULL, 10) : 0;
	__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
	return v;
}

/* The kernel's /proc/<pid>/fdinfo text for the object fd @fd. */
static int fdinfo_text(int fd, u32 mode, struct ub_obj *obj, char *buf, size_t sz)
{
	int fdfl = (int)ub_raw_syscall6(SYS_fcntl, fd, F_GETFD, 0, 0, 0, 0);
	if (fdfl < 0)
		return -1;
	unsigned acc = mode == UB_MODE_RDWR ? O_RDWR : mode == UB_MODE_WRITE ? O_WRONLY : O_RDONLY;
	unsigned flags = acc | ((fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0);
	int n = snprintf(buf, sz, "pos:\t0\nflags:\t0%o\nmnt_id:\t%ld\nino:\t%lu\n", flags,
			 real_mnt_id(fd), (unsigned long)obj->ino);
	if (obj->kind != UB_OBJ_MAP)
		return n;
	struct ub_map *map = obj_to_map(obj);
	struct ub_map_hdr *h = map->h;
	u64 memlock = map->ops && map->ops->mem_usage ? map->ops->mem_usage(map)
						       : (u64)obj->map_len;
	n += snprintf(buf + n, sz - (size_t)n,
		      "map_type:\t%u\nkey_size:\t%u\nvalue_size:\t%u\nmax_entries:\t%u\n"
		      "map_flags:\t0x%x\nmap_extra:\t0x%llx\nmemlock:\t%llu\nmap_id:\t%u\n"
		      "frozen:\t%u\n",
		      h->map_type, h->key_size, h->value_size, h->max_entries, h->map_flags,
		      (unsigned long long)h->map_extra, (unsigned long long)memlock, obj->id,
		      atomic_load(&h->frozen) ? 1u : 0u);
	return n;
}

/*
 * The kernel's fdinfo text in @text if @path is /proc/self/fdinfo/N of an
 * object fd: its length, -2 when @path is not that, -1 (errno set) when it
 * is but cannot be opened with @flags.
 */
static int fdinfo_of(const char *path, int flags, char *text, size_t sz)
{
	int fd = proc_self_fd(path, "fdinfo");
	if (fd < 0)
		return -2;
	u32 mode;
	struct ub_obj *obj = object_of(fd, &mode);
	if (!obj)
		return -2;
	int n = fdinfo_text(fd, mode, obj, text, sz);
	if (n < 0)
		return -2;
	if ((flags & O_ACCMODE) != O_RDONLY) {
		errno = EACCES; /* proc's fdinfo files are read-only */
		return -1;
	}
	return n;
}

/*
 * An open of /proc/self/fdinfo/N for an object fd: a memfd holding the
 * kernel's text, positioned at 0. -2 when @path is not that.
 */
static int fdinfo_open(const char *path, int flags)
{
	char text[1024];
	int n = fdinfo_of(path, flags, text, sizeof(text));
	if (n < 0)
		return n;
	long m = ub_raw_syscall6(SYS_memfd_create, (long)"fdinfo",
				 (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0, 0, 0, 0, 0);
	if (m < 0) {
		errno = (int)-m;
		return -1;
	}
	ub_raw_syscall6(SYS_write, m, (long)text, n, 0, 0, 0);
	ub_raw_syscall6(SYS_lseek, m, 0, SEEK_SET, 0, 0, 0);
	return (int)m;
}

/* ---- open ---------------------------------------------------------------- */

static int open_mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, int) : 0;
}

UB_EXPORT int open(const char *path, int flags, ...)
{
	REAL(open);
	RBUF;
	va_list ap;
	va_start(ap, flags);
	int mode = open_mode_arg(flags, ap);
	va_end(ap);
	int r = fdinfo_open(path, flags);
	if (r != -2)
		return r;
	return real_open(R(path), flags, mode);
}

UB_EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = open_mode_arg(flags, ap);
	va_end(ap);
	return open(path, flags, mode);
}

UB_EXPORT int __open_2(const char *path, int flags)
{
	return open(path, flags);
}

UB_EXPORT int __open64_2(const char *path, int flags)
{
	return open(path, flags);
}

UB_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	REAL(openat);
	RBUF;
	va_list ap;
	va_start(ap, flags);
	int mode = open_mode_arg(flags, ap);
	va_end(ap);
	int r = fdinfo_open(path, flags);
	if (r != -2)
		return r;
	return real_openat(dirfd, R(path), flags, mode);
}

UB_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = open_mode_arg(flags, ap);
	va_end(ap);
	return openat(dirfd, path, flags, mode);
}

UB_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

UB_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

/* fopen's mode string as open flags (enough to tell fdinfo reads apart). */
static int fopen_flags(const char *mode)
{
	int fl = strchr(mode, '+') ? O_RDWR : mode[0] == 'r' ? O_RDONLY : O_WRONLY;
	return fl | (strchr(mode, 'e') ? O_CLOEXEC : 0);
}

UB_EXPORT FILE *fopen(const char *path, const char *mode)
{
	REAL(fopen);
	RBUF;
	char text[1024];
	int n = fdinfo_of(path, fopen_flags(mode), text, sizeof(text));
	if (n == -1)
		return NULL;
	if (n >= 0) {
		/* A stream over memory: no file, no system call. */
		FILE *f = fmemopen(NULL, (size_t)n + 1, "w+");
		if (f) {
			fwrite(text, 1, (size_t)n, f);
			rewind(f);
		}
		return f;
	}
	return real_fopen(R(path), mode);
}

UB_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

/* ---- readlink ------------------------------------------------------------ */

/* readlink of /proc/self/fd/N for an object: "anon_inode:bpf-map"... -2 if not that. */
static ssize_t fd_link(const char *path, char *buf, size_t sz)
{
	int fd = proc_self_fd(path, "fd");
	if (fd < 0)
		return -2;
	u32 mode;
	struct ub_obj *obj = object_of(fd, &mode);
	if (!obj)
		return -2;
	/* The kernel's anon inode names (kernel/bpf/syscall.c, btf.c). */
	static const char *const names[UB_OBJ_KIND_MAX] = {
		[UB_OBJ_MAP] = "bpf-map",
		[UB_OBJ_PROG] = "bpf-prog",
		[UB_OBJ_BTF] = "btf",
		[UB_OBJ_LINK] = "bpf_link",
	};
	const char *name = obj->kind < UB_OBJ_KIND_MAX && names[obj->kind] ? names[obj->kind]
									   : "bpf-obj";
	char text[64];
	int n = snprintf(text, sizeof(text), "anon_inode:%s", name);
	size_t len = (size_t)n < sz ? (size_t)n : sz;
	memcpy(buf, text, len); /* readlink() truncates and never terminates */
	return (ssize_t)len;
}

UB_EXPORT ssize_t readlink(const char *path, char *buf, size_t sz)
{
	REAL(readlink);
	RBUF;
	ssize_t r = fd_link(path, buf, sz);
	return r != -2 ? r : real_readlink(R(path), buf, sz);
}

UB_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t sz)
{
	REAL(readlinkat);
	RBUF;
	ssize_t r = fd_link(path, buf, sz);
	return r != -2 ? r : real_readlinkat(dirfd, R(path), buf, sz);
}

/* ---- statfs -------------------------------------------------------------- */

UB_EXPORT int statfs(const char *path, struct statfs *buf)
{
	REAL(statfs);
	RBUF;
	const char *p = R(path);
	int r = real_statfs(p, buf);
	if (r == 0 && p != path)
		buf->f_type = UB_BPF_FS_MAGIC;
	return r;
}

UB_EXPORT int statfs64(const char *path, struct statfs64 *buf)
{
	REAL(statfs64);
	RBUF;
	const char *p = R(path);
	int r = real_statfs64(p, buf);
	if (r == 0 && p != path)
		buf->f_type = UB_BPF_FS_MAGIC;
	return r;
}

/* An fd open on a directory of the namespace's pin tree is on "bpffs" too. */
static bool fd_in_pin_tree(int fd)
{
	char where[PATH_MAX];
	return ub_bpffs_dir_of_fd(fd, where, sizeof(where));
}

UB_EXPORT int fstatfs(int fd, struct statfs *buf)
{
	REAL(fstatfs);
	int r = real_fstatfs(fd, buf);
	if (r == 0 && buf->f_type == TMPFS_MAGIC_ && fd_in_pin_tree(fd))
		buf->f_type = UB_BPF_FS_MAGIC;
	return r;
}

UB_EXPORT int fstatfs64(int fd, struct statfs64 *buf)
{
	REAL(fstatfs64);
	int r = real_fstatfs64(fd, buf);
	if (r == 0 && buf->f_type == TMPFS_MAGIC_ && fd_in_pin_tree(fd))
		buf->f_type = UB_BPF_FS_MAGIC;
	return r;
}

/* ---- stat and friends ---------------------------------------------------- */

UB_EXPORT int stat(const char *path, struct stat *st)
{
	REAL(stat);
	RBUF;
	return real_stat(R(path), st);
}

UB_EXPORT int stat64(const char *path, struct stat64 *st)
{
	REAL(stat64);
	RBUF;
	return real_stat64(R(path), st);
}

UB_EXPORT int lstat(const char *path, struct stat *st)
{
	REAL(lstat);
	RBUF;
	return real_lstat(R(path), st);
}

UB_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	REAL(lstat64);
	RBUF;
	return real_lstat64(R(path), st);
}

UB_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	REAL(fstatat);
	RBUF;
	return real_fstatat(dirfd, R(path), st, flags);
}

UB_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	REAL(fstatat64);
	RBUF;
	return real_fstatat64(dirfd, R(path), st, flags);
}

UB_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *st)
{
	REAL(statx);
	RBUF;
	return real_statx(dirfd, R(path), flags, mask, st);
}

UB_EXPORT int access(const char *path, int amode)
{
	REAL(access);
	RBUF;
	return real_access(R(path), amode);
}

UB_EXPORT int faccessat(int dirfd, const char *path, int amode, int flags)
{
	REAL(faccessat);
	RBUF;
	return real_faccessat(dirfd, R(path), amode, flags);
}

/* ---- the pin tree's directory operations --------------------------------- */

UB_EXPORT int unlink(const char *path)
{
	REAL(unlink);
	RBUF;
	return real_unlink(R(path));
}

UB_EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	REAL(unlinkat);
	RBUF;
	return real_unlinkat(dirfd, R(path), flags);
}

UB_EXPORT int rmdir(const char *path)
{
	REAL(rmdir);
	RBUF;
	return real_rmdir(R(path));
}

UB_EXPORT int mkdir(const char *path, mode_t mode)
{
	REAL(mkdir);
	RBUF;
	return real_mkdir(R(path), mode);
}

UB_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	REAL(mkdirat);
	RBUF;
	return real_mkdirat(dirfd, R(path), mode);
}

UB_EXPORT int rename(const char *from, const char *to)
{
	REAL(rename);
	char a[PATH_MAX + 256], b[PATH_MAX + 256];
	return real_rename(redirect(from, a, sizeof(a)), redirect(to, b, sizeof(b)));
}

UB_EXPORT int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	REAL(renameat);
	char a[PATH_MAX + 256], b[PATH_MAX + 256];
	return real_renameat(fromfd, redirect(from, a, sizeof(a)), tofd,
			     redirect(to, b, sizeof(b)));
}

UB_EXPORT DIR *opendir(const char *path)
{
	REAL(opendir);
	RBUF;
	return real_opendir(R(path));
}

/* ls -l asks for ACLs by path. */
UB_EXPORT ssize_t getxattr(const char *path, const char *name, void *value, size_t size)
{
	REAL(getxattr);
	RBUF;
	return real_getxattr(R(path), name, value, size);
}

UB_EXPORT ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	REAL(lgetxattr);
	RBUF;
	return real_lgetxattr(R(path), name, value, size);
}

UB_EXPORT ssize_t listxattr(const char *path, char *list, size_t size)
{
	REAL(listxattr);
	RBUF;
	return real_listxattr(R(path), list, size);
}

UB_EXPORT ssize_t llistxattr(const char *path, char *list, size_t size)
{
	REAL(llistxattr);
	RBUF;
	return real_llistxattr(R(path), list, size);
}

/*
 * mkdir -p walks with relative chdir()s: a relative step from a directory
 * above the pin tree (/, /sys, /sys/fs) may enter it.
 */
static bool is_relative(const char *p)
{
	return p && p[0] && p[0] != '/';
}

UB_EXPORT int chdir(const char *path)
{
	REAL(chdir);
	RBUF;
	if (is_relative(path)) {
		char cwd[PATH_MAX], full[PATH_MAX * 2];
		long n = ub_raw_syscall6(SYS_getcwd, (long)cwd, sizeof(cwd), 0, 0, 0, 0);
		if (n > 0 && !strncmp(UB_BPFFS_PREFIX, cwd, strlen(cwd)) &&
		    (cwd[1] == '\0' || UB_BPFFS_PREFIX[strlen(cwd)] == '/')) {
			snprintf(full, sizeof(full), "%s/%s", cwd, path);
			return real_chdir(R(full));
		}
	}
	return real_chdir(R(path));
}

/* Binaries built against glibc before 2.33 call the versioned stat entry points. */
UB_EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	REAL(__xstat);
	RBUF;
	return real___xstat(ver, R(path), st);
}

UB_EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	REAL(__lxstat);
	RBUF;
	return real___lxstat(ver, R(path), st);
}

UB_EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	REAL(__fxstatat);
	RBUF;
	return real___fxstatat(ver, dirfd, R(path), st, flags);
}

UB_EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
	REAL(__xstat64);
	RBUF;
	return real___xstat64(ver, R(path), st);
}

UB_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	REAL(__lxstat64);
	RBUF;
	return real___lxstat64(ver, R(path), st);
}

UB_EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
	REAL(__fxstatat64);
	RBUF;
	return real___fxstatat64(ver, dirfd, R(path), st, flags);
}
