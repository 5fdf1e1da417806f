/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Internal helpers shared by every userbpf module: types, errno, attr access. */
#ifndef UB_INTERNAL_H
#define UB_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>
#include "userbpf.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define UB_HIDDEN __attribute__((visibility("hidden")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define round_up(x, a) ((((x) + (a)-1) / (a)) * (a))
#define UB_PAGE_SIZE 4096UL
#define page_align(x) round_up((u64)(x), UB_PAGE_SIZE)
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))

/* Kernel-only flag values the 6.1 uapi headers lack (6.18 numbering). */
#ifndef BPF_F_TOKEN_FD
#define BPF_F_VTYPE_BTF_OBJ_FD (1U << 15)
#define BPF_F_TOKEN_FD (1U << 16)
#define BPF_F_SEGV_ON_FAULT (1U << 17)
#define BPF_F_NO_USER_CONV (1U << 18)
#endif
#define BPF_F_ACCESS_MASK (BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define UB_NUMA_NO_NODE ((u32)-1)

/* fd access modes, the kernel's FMODE_CAN_READ / FMODE_CAN_WRITE in spirit. */
#define UB_MODE_READ 1u
#define UB_MODE_WRITE 2u
#define UB_MODE_RDWR (UB_MODE_READ | UB_MODE_WRITE)

/* Set errno from a -errno result and return -1: the syscall contract. */
static inline int ub_sys_ret(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
}

/* Public wrapper contract: -errno returned and errno set (libbpf's libbpf_err). */
static inline int ub_err(int r)
{
	if (r < 0)
		errno = -r;
	return r;
}

static inline void *u64_to_ptr(u64 v)
{
	return (void *)(uintptr_t)v;
}

/* Are bytes [from, to) of buf all zero? */
static inline bool mem_is_zero(const void *buf, size_t from, size_t to)
{
	typedef u64 u64x2 __attribute__((vector_size(16)));
	const u8 *p = buf;
	size_t n = to > from ? to - from : 0;
	/*
	 * The attr tail check runs on every bpf() call: 16 bytes at a time, the
	 * last 16 (or 8) loaded overlapping what came before, so no byte loop.
	 * Loads only: re-reading a byte changes nothing.
	 */
	if (n >= 16) {
		u64x2 acc = {0, 0}, v;
		for (size_t i = from; i + 16 < to; i += 16) {
			memcpy(&v, p + i, 16);
			acc |= v;
		}
		memcpy(&v, p + to - 16, 16);
		acc |= v;
		return !(acc[0] | acc[1]);
	}
	if (n >= 8) {
		u64 a, b;
		memcpy(&a, p + from, 8);
		memcpy(&b, p + to - 8, 8);
		return !(a | b);
	}
	u8 acc = 0;
	for (size_t i = from; i < to; i++)
		acc |= p[i];
	return !acc;
}

UB_HIDDEN int ub_possible_cpus(void);
UB_HIDDEN void ub_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
