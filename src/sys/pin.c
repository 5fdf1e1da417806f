// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* BPF_OBJ_PIN and BPF_OBJ_GET: /sys/fs/bpf paths live in the namespace's pin tree. */
#include "sys/sys.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define BPFFS_PREFIX "/sys/fs/bpf"
#ifndef BPF_F_PATH_FD
#define BPF_F_PATH_FD (1U << 14)
#endif

/*
 * ub_pin_path - where the pin @path lives: a path under the namespace's
 * bpffs/ directory for /sys/fs/bpf/..., or -EPERM for any other place
 * (the kernel only pins into a bpf filesystem).
 */
UB_HIDDEN int ub_pin_path(const char *path, char *out, size_t outsz)
{
	size_t pl = strlen(BPFFS_PREFIX);
	if (strncmp(path, BPFFS_PREFIX, pl) || (path[pl] != '/' && path[pl] != '\0'))
		return -EPERM;
	const char *rest = path + pl;
	while (*rest == '/')
		rest++;
	int n = snprintf(out, outsz, "%s/bpffs/%s", ub_ns_root(), rest);
	if (n < 0 || (size_t)n >= outsz)
		return -ENAMETOOLONG;
	return 0;
}

static int user_path(u64 uptr, char *buf, size_t sz)
{
	const char *p = u64_to_ptr(uptr);
	if (!p)
		return -EFAULT;
	size_t n = strnlen(p, sz);
	if (n == sz)
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	memcpy(buf, p, n + 1);
	return 0;
}

long ub_sys_obj_pin(union ub_attr *attr, void *uattr)
{
	char path[PATH_MAX], where[PATH_MAX + 64], src[64];
	u32 mode;
	int err;
	(void)uattr;

	if (attr->file_flags & ~BPF_F_PATH_FD)
		return -EINVAL;
	if (!(attr->file_flags & BPF_F_PATH_FD) && attr->path_fd)
		return -EINVAL;
	struct ub_obj *obj = ub_fd_get((int)attr->bpf_fd, &mode);
	if (!obj)
		return (int)mode;
	err = user_path(attr->pathname, path, sizeof(path));
	if (err)
		return err;
	if (path[0] != '/')
		return -EPERM; /* relative pins would land outside bpffs */
	err = ub_pin_path(path, where, sizeof(where));
	if (err) {
		/* Outside bpffs: a missing parent is ENOENT, anything else EPERM. */
		char *slash = strrchr(path, '/');
		if (slash && slash != path) {
			*slash = '\0';
			struct stat st;
			if (stat(path, &st))
				return -ENOENT;
		}
		return err;
	}
	snprintf(src, sizeof(src), "/proc/self/fd/%d", (int)attr->bpf_fd);
	if (linkat(AT_FDCWD, src, AT_FDCWD, where, AT_SYMLINK_FOLLOW))
		return errno == ENOTDIR ? -ENOENT : -errno;
	return 0;
}

long ub_sys_obj_get(union ub_attr *attr, void *uattr)
{
	char path[PATH_MAX], where[PATH_MAX + 64];
	int err;
	(void)uattr;

	if (attr->bpf_fd || attr->file_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_PATH_FD))
		return -EINVAL;
	if (!(attr->file_flags & BPF_F_PATH_FD) && attr->path_fd)
		return -EINVAL;
	int accmode = ub_file_flags(attr->file_flags);
	if (accmode < 0)
		return accmode;
	err = user_path(attr->pathname, path, sizeof(path));
	if (err)
		return err;
	err = ub_pin_path(path, where, sizeof(where));
	if (err) {
		struct stat st;
		return stat(path, &st) ? -errno : -EPERM;
	}
	int fd = open(where, accmode | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == EISDIR ? -EPERM : -errno;
	int r = ub_obj_adopt_fd(fd, 0);
	if (r < 0) {
		close(fd);
		return r == -ENOENT ? -ENOENT : -EPERM;
	}
	return r;
}
