// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A plain libbpf program (no userbpf code in it) that receives a map fd over
 * SCM_RIGHTS and works on it alongside its sender: atomic adds through mmap()
 * to the shared counters, and lookup + update of its own elements through
 * libbpf. Run against the kernel and under libuserbpf-preload.so.
 *
 * Usage: libbpf_peer SOCK_FD WORKER ADDS UPDATES NSHARED OWN_BASE OWN_PER
 * Prints the map's info, then "bad N"; exits 0 when N is 0.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../scm.h"

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 8) {
		fprintf(stderr, "usage: %s SOCK_FD WORKER ADDS UPDATES NSHARED OWN_BASE OWN_PER\n",
			argv[0]);
		return 2;
	}
	int sock = atoi(argv[1]), w = atoi(argv[2]), adds = atoi(argv[3]);
	int updates = atoi(argv[4]), nshared = atoi(argv[5]), own_base = atoi(argv[6]);
	int own_per = atoi(argv[7]);
	if (updates <= 0 || adds % updates || own_per <= 0 || own_per > 16 || nshared <= 0)
		return 2;

	int fd = scm_recv_fd(sock, MSG_CMSG_CLOEXEC);
	if (fd < 0) {
		printf("recv: %s\n", strerror(errno));
		return 1;
	}
	/*
	 * A map fd is not a regular file: the kernel refuses to resize it, also
	 * as the first thing done with a freshly received fd.
	 */
	int tr = ftruncate(fd, 0) ? errno : 0;
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	int r = bpf_obj_get_info_by_fd(fd, &mi, &len);
	if (r) {
		printf("info: %s\n", strerror(-r));
		return 1;
	}
	printf("info: type=%u key=%u value=%u max=%u flags=%#x name=%s\n", mi.type, mi.key_size,
	       mi.value_size, mi.max_entries, mi.map_flags, mi.name);
	printf("ftruncate: %s\n", tr ? strerrorname_np(tr) : "0");
	size_t maplen = ((size_t)mi.max_entries * 8 + 4095) & ~(size_t)4095;
	volatile uint64_t *p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return 1;
	}
	char go;
	if (read(sock, &go, 1) != 1)
		return 1;

	uint64_t mine[16] = { 0 };
	int bad = 0, every = adds / updates;
	for (int i = 0; i < adds; i++) {
		__atomic_fetch_add(&p[i % nshared], 1, __ATOMIC_RELAXED);
		if (i % every)
			continue;
		int j = (i / every) % own_per;
		__u32 k = (__u32)(own_base + w * own_per + j);
		__u64 v = ~0ull;
		if (bpf_map_lookup_elem(fd, &k, &v) || v != mine[j]) {
			bad++;
			continue;
		}
		v++;
		if (bpf_map_update_elem(fd, &k, &v, BPF_EXIST)) {
			bad++;
			continue;
		}
		mine[j] = v;
	}
	munmap((void *)p, maplen);
	close(fd);
	printf("bad %d\n", bad);
	return bad ? 1 : 0;
}
