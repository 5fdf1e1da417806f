// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A plain libbpf program (no userbpf code in it) that drives libbpf's raw map
 * wrappers and prints a transcript free of ids and fd numbers, so a run
 * against the kernel and a run under libuserbpf-preload.so can be compared
 * byte for byte.
 *
 * Usage: libbpf_raw PIN_DIR      the transcript; pins go to PIN_DIR/raw_pin
 *        libbpf_raw probe        one bpf_map_create, prints its result
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* An errno as a stable name: the kernel's ENOTSUPP (524) has none in libc. */
static const char *ename(int e)
{
	static char buf[32];
	if (e == 524)
		return "ENOTSUPP";
	const char *n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* A libbpf result: 0, "fd" for a new descriptor, or the errno name. */
static void res(const char *what, int r)
{
	if (r < 0)
		printf("%s: %s\n", what, ename(-r));
	else if (r > 0)
		printf("%s: fd\n", what);
	else
		printf("%s: 0\n", what);
}

/* A libc result: 0 or -1 plus errno. */
static void cres(const char *what, int r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: %d\n", what, r);
}

static void info(const char *what, int fd)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	int r = bpf_obj_get_info_by_fd(fd, &mi, &len);
	if (r) {
		res(what, r);
		return;
	}
	printf("%s: len=%u type=%u key=%u value=%u max=%u flags=%#x name=%s btf=%u/%u/%u "
	       "ifindex=%u extra=%llu\n",
	       what, len, mi.type, mi.key_size, mi.value_size, mi.max_entries, mi.map_flags,
	       mi.name, mi.btf_id, mi.btf_key_type_id, mi.btf_value_type_id, mi.ifindex,
	       (unsigned long long)mi.map_extra);
}

static __u32 map_id(int fd)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	return bpf_obj_get_info_by_fd(fd, &mi, &len) ? 0 : mi.id;
}

static void dump(const char *what, int fd, __u32 n)
{
	printf("%s:", what);
	for (__u32 k = 0; k < n; k++) {
		__u64 v = 0;
		int r = bpf_map_lookup_elem(fd, &k, &v);
		if (r)
			printf(" %u=%s", k, ename(-r));
		else
			printf(" %u=%llu", k, (unsigned long long)v);
	}
	printf("\n");
}

static void elem_ops(int fd)
{
	char what[64];
	for (__u32 k = 0; k < 8; k++) {
		__u64 v = k * k + 1;
		snprintf(what, sizeof(what), "update %u", k);
		res(what, bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	}
	__u32 k = 8;
	__u64 v = 5;
	res("update 8 (out of range)", bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	k = 1;
	res("update 1 NOEXIST", bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	v = 111;
	res("update 1 EXIST", bpf_map_update_elem(fd, &k, &v, BPF_EXIST));
	res("update 1 F_LOCK", bpf_map_update_elem(fd, &k, &v, BPF_F_LOCK));
	res("update 1 flags 99", bpf_map_update_elem(fd, &k, &v, 99));
	dump("lookup 0..8", fd, 9);
	k = 0;
	res("delete 0", bpf_map_delete_elem(fd, &k));
	res("lookup_and_delete 0", bpf_map_lookup_and_delete_elem(fd, &k, &v));
	res("lookup F_LOCK", bpf_map_lookup_elem_flags(fd, &k, &v, BPF_F_LOCK));

	__u32 next, *prev = NULL, cur;
	printf("get_next_key:");
	int r;
	while ((r = bpf_map_get_next_key(fd, prev, &next)) == 0) {
		printf(" %u", next);
		cur = next;
		prev = &cur;
	}
	printf(" -> %s\n", ename(-r));
	k = 100;
	r = bpf_map_get_next_key(fd, &k, &next);
	printf("get_next_key 100: %d next=%u\n", r, r ? 0 : next);
}

static void batch_ops(int fd)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 keys[8], batch, count;
	__u64 vals[8];
	void *in = NULL;
	int r;

	do {
		count = 3;
		memset(keys, 0xff, sizeof(keys));
		r = bpf_map_lookup_batch(fd, in, &batch, keys, vals, &count, &opts);
		printf("lookup_batch: %s count=%u:", r ? ename(-r) : "0", count);
		for (__u32 i = 0; i < count; i++)
			printf(" %u=%llu", keys[i], (unsigned long long)vals[i]);
		printf("\n");
		in = &batch;
	} while (r == 0);

	__u32 uk[3] = {2, 3, 4};
	__u64 uv[3] = {200, 300, 400};
	count = 3;
	r = bpf_map_update_batch(fd, uk, uv, &count, &opts);
	printf("update_batch: %s count=%u\n", r ? ename(-r) : "0", count);
	__u32 bad[3] = {5, 9, 6};
	count = 3;
	r = bpf_map_update_batch(fd, bad, uv, &count, &opts);
	printf("update_batch (key 9): %s count=%u\n", r ? ename(-r) : "0", count);
	opts.elem_flags = 99;
	count = 3;
	r = bpf_map_update_batch(fd, uk, uv, &count, &opts);
	printf("update_batch elem_flags 99: %s count=%u\n", r ? ename(-r) : "0", count);
	dump("after batch", fd, 8);
}

static void id_ops(int fd)
{
	__u32 id = map_id(fd), next = 0;
	int found = 0, r;
	while ((r = bpf_map_get_next_id(next, &next)) == 0)
		if (next == id)
			found = 1;
	printf("get_next_id walk: %s, own id found=%d\n", ename(-r), found);
	int fd2 = bpf_map_get_fd_by_id(id);
	res("get_fd_by_id", fd2);
	if (fd2 >= 0) {
		printf("same id: %d\n", map_id(fd2) == id);
		dump("through id fd", fd2, 8);
		close(fd2);
	}
}

static void freeze_ops(int fd)
{
	__u32 k = 1;
	__u64 v = 9;
	res("freeze", bpf_map_freeze(fd));
	res("update frozen", bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	res("lookup frozen", bpf_map_lookup_elem(fd, &k, &v));
	printf("value 1: %llu\n", (unsigned long long)v);
	res("freeze again", bpf_map_freeze(fd));
	info("info frozen", fd);
}

static void mmap_ops(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "raw_mm", 4, 4, 16, &o);
	res("create mmapable", fd);
	if (fd < 0)
		return;
	info("info mmapable", fd);
	/* The kernel lays elements out round_up(value_size, 8) apart. */
	volatile __u32 *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmap rw: %s\n", p == MAP_FAILED ? ename(errno) : "ok");
	if (p == MAP_FAILED)
		return;
	for (__u32 i = 0; i < 16; i++)
		p[2 * i] = 1000 + i;
	printf("lookup after mmap writes:");
	for (__u32 k = 0; k < 16; k++) {
		__u32 v = 0;
		int r = bpf_map_lookup_elem(fd, &k, &v);
		printf(" %s%u", r ? ename(-r) : "", v);
	}
	printf("\n");
	__u32 k = 5, v = 55555;
	res("update 5", bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	printf("mmap sees update: %u, padding word: %u\n", p[10], p[11]);

	void *q = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	printf("mmap exec: %s\n", q == MAP_FAILED ? ename(errno) : "ok");
	q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("mmap private: %s\n", q == MAP_FAILED ? ename(errno) : "ok");
	q = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	printf("mmap past the end: %s\n", q == MAP_FAILED ? ename(errno) : "ok");
	res("freeze with writable mapping", bpf_map_freeze(fd));
	cres("munmap", munmap((void *)p, 4096));
	res("freeze", bpf_map_freeze(fd));
	q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmap rw frozen: %s\n", q == MAP_FAILED ? ename(errno) : "ok");
	const volatile __u32 *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	printf("mmap ro frozen: %s\n", ro == MAP_FAILED ? ename(errno) : "ok");
	if (ro != MAP_FAILED) {
		printf("ro reads: %u %u %u\n", ro[0], ro[10], ro[30]);
		cres("mprotect rw", mprotect((void *)ro, 4096, PROT_READ | PROT_WRITE));
		cres("munmap ro", munmap((void *)ro, 4096));
	}
	close(fd);
}

static void percpu_ops(void)
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "raw_pcpu", 4, 12, 3, NULL);
	res("create percpu", fd);
	if (fd < 0 || ncpu <= 0)
		return;
	info("info percpu", fd);
	/* Each CPU's value is round_up(12, 8) = 16 bytes in the user buffer. */
	size_t sz = 16 * (size_t)ncpu;
	unsigned char *buf = calloc(1, sz), *out = malloc(sz);
	for (int c = 0; c < ncpu; c++)
		for (int b = 0; b < 16; b++)
			buf[c * 16 + b] = (unsigned char)(c * 16 + b + 1);
	__u32 k = 1;
	res("percpu update", bpf_map_update_elem(fd, &k, buf, BPF_ANY));
	memset(out, 0xee, sz);
	res("percpu lookup", bpf_map_lookup_elem(fd, &k, out));
	int same = 1, pad_zero = 1;
	for (int c = 0; c < ncpu; c++) {
		same &= !memcmp(out + c * 16, buf + c * 16, 12);
		for (int b = 12; b < 16; b++)
			pad_zero &= out[c * 16 + b] == 0;
	}
	printf("percpu values round trip=%d, padding zeroed=%d\n", same, pad_zero);
	k = 0;
	memset(out, 0xee, sz);
	res("percpu lookup 0", bpf_map_lookup_elem(fd, &k, out));
	int zero = 1;
	for (size_t i = 0; i < sz; i++)
		zero &= out[i] == 0;
	printf("percpu untouched element is zero=%d\n", zero);
	free(buf);
	free(out);
	close(fd);
}

static void pin_ops(const char *dir)
{
	char path[4096], missing[4096];
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "raw_pin", 4, 8, 8, NULL);
	res("create raw_pin", fd);
	if (fd < 0)
		return;
	for (__u32 k = 0; k < 8; k += 3) {
		__u64 v = 7000 + k;
		bpf_map_update_elem(fd, &k, &v, BPF_ANY);
	}
	snprintf(path, sizeof(path), "%s/raw_pin", dir);
	snprintf(missing, sizeof(missing), "%s/no_such_pin", dir);
	res("pin", bpf_obj_pin(fd, path));
	res("pin again", bpf_obj_pin(fd, path));
	res("get missing", bpf_obj_get(missing));
	int fd2 = bpf_obj_get(path);
	res("get", fd2);
	if (fd2 < 0)
		return;
	printf("pinned is the same map: %d\n", map_id(fd2) == map_id(fd));
	info("info pinned", fd2);
	dump("pinned values", fd2, 8);
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	int fd3 = bpf_obj_get_opts(path, &ro);
	res("get rdonly", fd3);
	if (fd3 >= 0) {
		__u32 k = 2;
		__u64 v = 1;
		res("update via rdonly", bpf_map_update_elem(fd3, &k, &v, BPF_ANY));
		res("lookup via rdonly", bpf_map_lookup_elem(fd3, &k, &v));
		k = 1;
		v = 4242;
		res("update via pinned fd", bpf_map_update_elem(fd2, &k, &v, BPF_ANY));
		close(fd3);
	}
	LIBBPF_OPTS(bpf_obj_get_opts, bad, .file_flags = BPF_F_RDONLY | BPF_F_WRONLY);
	res("get rdonly|wronly", bpf_obj_get_opts(path, &bad));
	/* The pin outlives every fd: close them all and reopen by path. */
	close(fd2);
	close(fd);
	int fd4 = bpf_obj_get(path);
	res("get after close", fd4);
	if (fd4 >= 0) {
		dump("values after close", fd4, 8);
		close(fd4);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s PIN_DIR | probe\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "probe")) {
		int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "probe", 4, 4, 1, NULL);
		res("probe map_create", fd);
		return 0;
	}
	res("create bad name", bpf_map_create(BPF_MAP_TYPE_ARRAY, "bad-name", 4, 8, 8, NULL));
	res("create key 0", bpf_map_create(BPF_MAP_TYPE_ARRAY, "raw", 0, 8, 8, NULL));
	res("create max 0", bpf_map_create(BPF_MAP_TYPE_ARRAY, "raw", 4, 8, 0, NULL));
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "raw_arr", 4, 8, 8, NULL);
	res("create", fd);
	if (fd < 0)
		return 1;
	info("info", fd);
	elem_ops(fd);
	batch_ops(fd);
	id_ops(fd);
	freeze_ops(fd);
	mmap_ops();
	percpu_ops();
	close(fd);
	pin_ops(argv[1]);
	printf("done\n");
	return 0;
}
