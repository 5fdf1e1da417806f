// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* A BPF object with maps and global variables only, no programs: skeleton test input. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
	__u32 a;
	__u64 b;
};

/* A BTF-defined map in .maps. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct pair);
} table SEC(".maps");

/* .data: initialised, writable. */
int counter = 42;
__u64 data_arr[4] = { 1, 2, 3, 4 };
struct pair data_pair = { 7, 0x1122334455667788ULL };

/* .rodata: constant to programs, set by the loader before load. */
const volatile __u32 limit = 1000;
const volatile char banner[16] = "userbpf";

/* .bss: zero-initialised. */
__u64 bss_total;
__u32 bss_arr[8];

char _license[] SEC("license") = "GPL";
