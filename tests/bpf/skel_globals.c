// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A plain libbpf program (no userbpf code in it) that opens and loads the
 * bpftool skeleton of globals.bpf.c, reads and writes .data, .rodata and .bss
 * through the skeleton's mmap()ed images and checks them against the map fds.
 * It prints a transcript free of ids and fd numbers, so a run against the
 * kernel and a run under libuserbpf-preload.so can be compared byte for byte.
 * The exit status is non-zero if the skeleton fails to load.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct pair {
	__u32 a;
	__u64 b;
};
#include "globals.skel.h"

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

static void res(const char *what, int r)
{
	if (r < 0)
		printf("%s: %s\n", what, ename(-r));
	else
		printf("%s: %d\n", what, r);
}

static void info(const char *what, const struct bpf_map *m)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	int r = bpf_obj_get_info_by_fd(bpf_map__fd(m), &mi, &len);
	if (r) {
		res(what, r);
		return;
	}
	printf("%s: type=%u key=%u value=%u max=%u flags=%#x name=%s has_btf=%d btf_kv=%u/%u\n",
	       what, mi.type, mi.key_size, mi.value_size, mi.max_entries, mi.map_flags, mi.name,
	       mi.btf_id != 0, mi.btf_key_type_id, mi.btf_value_type_id);
}

/* Does the map's element 0, read with bpf_map_lookup_elem, equal @img? */
static void same_as_lookup(const char *what, const struct bpf_map *m, const void *img, size_t sz)
{
	size_t vs = bpf_map__value_size(m);
	unsigned char *buf = calloc(1, vs);
	__u32 k = 0;
	int r = bpf_map_lookup_elem(bpf_map__fd(m), &k, buf);
	printf("%s: lookup %s, value_size %s image, bytes %s\n", what, r ? ename(-r) : "0",
	       vs == sz ? "==" : "!=", !r && vs >= sz && !memcmp(buf, img, sz) ? "equal" : "differ");
	free(buf);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct globals *skel = globals__open();
	if (!skel) {
		printf("open: %s\n", ename(errno));
		return 1;
	}
	printf("open: ok\n");
	/* Before load the images are libbpf's private copies of the ELF sections. */
	printf("before load: counter=%d data_arr[3]=%llu pair=%u/%#llx limit=%u banner=%s "
	       "bss_total=%llu\n",
	       skel->data->counter, (unsigned long long)skel->data->data_arr[3],
	       skel->data->data_pair.a, (unsigned long long)skel->data->data_pair.b,
	       skel->rodata->limit, (const char *)skel->rodata->banner,
	       (unsigned long long)skel->bss->bss_total);
	skel->rodata->limit = 2000;
	skel->data->counter = 43;
	skel->bss->bss_arr[7] = 77;

	int err = globals__load(skel);
	res("load", err);
	if (err) {
		globals__destroy(skel);
		return 1;
	}
	info("info table", skel->maps.table);
	info("info data", skel->maps.data);
	info("info rodata", skel->maps.rodata);
	info("info bss", skel->maps.bss);

	/* The initial images (with the pre-load edits) are in the maps. */
	printf("after load: counter=%d limit=%u banner=%s bss_arr[7]=%u\n", skel->data->counter,
	       skel->rodata->limit, (const char *)skel->rodata->banner, skel->bss->bss_arr[7]);
	same_as_lookup("data image", skel->maps.data, skel->data, sizeof(*skel->data));
	same_as_lookup("rodata image", skel->maps.rodata, skel->rodata, sizeof(*skel->rodata));
	same_as_lookup("bss image", skel->maps.bss, skel->bss, sizeof(*skel->bss));

	/* Writes through the skeleton's mappings are the map's contents ... */
	skel->data->counter = 100;
	skel->data->data_pair.b = 0xdeadbeefULL;
	skel->bss->bss_total = 123456789;
	for (int i = 0; i < 8; i++)
		skel->bss->bss_arr[i] += (__u32)i * 3;
	same_as_lookup("data after mmap writes", skel->maps.data, skel->data, sizeof(*skel->data));
	same_as_lookup("bss after mmap writes", skel->maps.bss, skel->bss, sizeof(*skel->bss));

	/* ... and updates through the fd show in the mappings. */
	struct globals__bss nb;
	memcpy(&nb, skel->bss, sizeof(nb));
	nb.bss_total = 5;
	nb.bss_arr[0] = 500;
	size_t bvs = bpf_map__value_size(skel->maps.bss);
	unsigned char *bv = calloc(1, bvs);
	memcpy(bv, &nb, sizeof(nb));
	__u32 k = 0;
	res("update bss", bpf_map_update_elem(bpf_map__fd(skel->maps.bss), &k, bv, BPF_ANY));
	printf("bss via mapping: total=%llu arr[0]=%u arr[7]=%u\n",
	       (unsigned long long)skel->bss->bss_total, skel->bss->bss_arr[0],
	       skel->bss->bss_arr[7]);
	free(bv);

	/* .rodata is frozen: no updates, no writable mapping, no mprotect to write. */
	size_t rvs = bpf_map__value_size(skel->maps.rodata);
	unsigned char *rv = calloc(1, rvs);
	res("update rodata", bpf_map_update_elem(bpf_map__fd(skel->maps.rodata), &k, rv, BPF_ANY));
	res("freeze rodata again", bpf_map_freeze(bpf_map__fd(skel->maps.rodata)));
	free(rv);
	void *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(skel->maps.rodata), 0);
	printf("mmap rodata rw: %s\n", w == MAP_FAILED ? ename(errno) : "ok");
	int pr = mprotect((void *)skel->rodata, 4096, PROT_READ | PROT_WRITE);
	printf("mprotect rodata rw: %s\n", pr ? ename(errno) : "ok");
	printf("rodata limit=%u\n", skel->rodata->limit);

	/* The BTF-defined map. */
	struct pair p = { 9, 0xabcdefULL }, q = { 0, 0 };
	k = 3;
	res("update table[3]", bpf_map_update_elem(bpf_map__fd(skel->maps.table), &k, &p, BPF_ANY));
	res("lookup table[3]", bpf_map_lookup_elem(bpf_map__fd(skel->maps.table), &k, &q));
	printf("table[3] = %u/%#llx\n", q.a, (unsigned long long)q.b);
	k = 4;
	res("update table[4]", bpf_map_update_elem(bpf_map__fd(skel->maps.table), &k, &p, BPF_ANY));

	globals__destroy(skel);
	printf("done\n");
	return 0;
}
