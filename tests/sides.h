/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The two sides a differential test runs each case on: the live kernel's
 * bpf() and userbpf's ub_bpf(), with one signature so a case takes either.
 */
#ifndef UB_TEST_SIDES_H
#define UB_TEST_SIDES_H

#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "userbpf.h"

typedef int (*bpf_fn)(int cmd, void *attr, unsigned size);

static inline int kbpf(int cmd, void *attr, unsigned size)
{
	return (int)syscall(__NR_bpf, cmd, attr, size);
}

static inline int ubpf(int cmd, void *attr, unsigned size)
{
	return ub_bpf(cmd, attr, size);
}

/* A map with 4-byte keys on side @f: its fd, or -1 with errno. */
static inline int sides_map(bpf_fn f, unsigned type, unsigned value_size, unsigned max_entries,
			    unsigned flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = flags;
	return f(BPF_MAP_CREATE, &a, sizeof(a));
}

/*
 * Load @n insns as a GPL program of @type on side @f, the log (level 1) in
 * @log when given: the fd, or -1 with errno.
 */
static inline int sides_prog_load(bpf_fn f, unsigned type, unsigned flags,
				  const struct bpf_insn *insns, unsigned n, char *log,
				  unsigned loglen)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.prog_flags = flags;
	a.insns = (unsigned long)insns;
	a.insn_cnt = n;
	a.license = (unsigned long)"GPL";
	if (log) {
		a.log_level = 1;
		a.log_buf = (unsigned long)log;
		a.log_size = loglen;
		log[0] = '\0';
	}
	return f(BPF_PROG_LOAD, &a, sizeof(a));
}

#endif
