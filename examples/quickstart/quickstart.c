// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A plain libbpf program: create an mmapable ARRAY, write it through the
 * syscall API and through mmap(), freeze it and pin it. It has no userbpf in
 * it at all; `make demo` runs it under libuserbpf-preload.so, without root.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ENTRIES 8

int main(int argc, char **argv)
{
	const char *pin = argc > 1 ? argv[1] : "/sys/fs/bpf/quickstart";
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "quickstart", 4, 8, ENTRIES, &opts);
	if (fd < 0) {
		fprintf(stderr, "bpf_map_create: %s\n", strerror(errno));
		return 1;
	}
	printf("created ARRAY 'quickstart': key 4, value 8, %d entries, fd %d\n", ENTRIES, fd);

	for (__u32 k = 0; k < ENTRIES; k++) {
		__u64 v = (__u64)k * k;
		bpf_map_update_elem(fd, &k, &v, BPF_ANY);
	}
	printf("updated keys 0..%d with k*k through bpf()\n", ENTRIES - 1);

	__u64 *vals = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (vals == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	__atomic_fetch_add(&vals[7], 1000, __ATOMIC_SEQ_CST);
	printf("mmap()ed the map; vals[3] = %llu; added 1000 to vals[7] in place\n",
	       (unsigned long long)vals[3]);

	__u32 k = 7;
	__u64 v = 0;
	bpf_map_lookup_elem(fd, &k, &v);
	printf("lookup(7) through bpf() sees the mmap write: %llu\n", (unsigned long long)v);

	munmap(vals, 4096);
	if (bpf_map_freeze(fd) == 0)
		printf("froze the map: updates now fail with ");
	v = 1;
	if (bpf_map_update_elem(fd, &k, &v, BPF_ANY) < 0)
		printf("%s\n", strerror(errno));

	unlink(pin);
	if (bpf_obj_pin(fd, pin) == 0)
		printf("pinned at %s: it outlives this process\n", pin);
	else
		printf("pin %s: %s\n", pin, strerror(errno));
	return 0;
}
