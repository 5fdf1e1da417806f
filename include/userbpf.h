/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* userbpf public API: a userspace bpf() with the Linux 6.18 ABI. */
#ifndef USERBPF_H
#define USERBPF_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UB_API __attribute__((visibility("default")))

/*
 * The kernel ABI userbpf speaks. Debian's uapi headers are 6.1
 * (sizeof(union bpf_attr) == 144, sizeof(struct bpf_map_info) == 88); the
 * emulated kernel is 6.18, whose union is 168 bytes and whose map info is 104.
 * Callers may pass any size up to 4096, as to the real syscall.
 */
#define UB_ATTR_SIZE 168
#define UB_MAP_INFO_SIZE 104

/* errno 524: the kernel-internal ENOTSUPP that still reaches userspace. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/*
 * ub_bpf - the bpf(2) system call, answered in userspace.
 * @cmd:  a BPF_* command number (enum bpf_cmd).
 * @attr: the caller's attr; may be NULL (gives EFAULT, as the kernel does).
 * @size: bytes of @attr to read, 0..4096.
 *
 * Same contract as syscall(__NR_bpf, cmd, attr, size): returns the command's
 * result (an fd, 0, ...) or -1 with errno set to the value the kernel gives.
 * Fds returned are real, close-on-exec file descriptors; close() them as usual.
 * Thread safety: safe to call from any thread; operations on one map from
 * several threads behave as the kernel's do (array updates are not atomic
 * unless BPF_F_LOCK is used on a value with a bpf_spin_lock).
 */
UB_API int ub_bpf(int cmd, union bpf_attr *attr, unsigned int size);

/*
 * Thin typed wrappers. Each returns >= 0 on success, or -errno (and sets
 * errno) on failure, like libbpf's.
 */
UB_API int ub_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
			 uint32_t value_size, uint32_t max_entries, uint32_t map_flags);
UB_API int ub_map_lookup_elem(int fd, const void *key, void *value, uint64_t flags);
UB_API int ub_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
UB_API int ub_map_delete_elem(int fd, const void *key);
UB_API int ub_map_get_next_key(int fd, const void *key, void *next_key);
UB_API int ub_map_freeze(int fd);

/* The number of possible CPUs (/sys/devices/system/cpu/possible): per-CPU
 * map values are round_up(value_size, 8) * ub_num_possible_cpus() bytes. */
UB_API int ub_num_possible_cpus(void);

/*
 * The namespace directory this process uses: $USERBPF_ROOT, or
 * /dev/shm/userbpf-<uid>. The returned string is owned by userbpf.
 */
UB_API const char *ub_namespace_root(void);

/* Is @fd a userbpf object (map, program, BTF)? 1 yes, 0 no. */
UB_API int ub_is_object_fd(int fd);

#ifdef __cplusplus
}
#endif
#endif /* USERBPF_H */
