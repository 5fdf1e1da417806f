// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* libbpf's own BTF_LOADs (feature probes, an object's BTF) replayed on userbpf and compared. */
#include "diff.h"
#include "sys/raw.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>

/*
 * This program defines syscall(): libbpf's bpf() calls reach it instead of
 * libc's. Every bpf() goes to the kernel as usual, so libbpf drives its load
 * exactly as it would on the kernel; each BTF_LOAD is also given to
 * userbpf, and the two answers are compared. The object's BTF is then read
 * back through BTF_GET_FD_BY_ID and OBJ_GET_INFO on userbpf.
 */
static int n_btf_loads, n_agree;
static uint32_t last_ub_btf_fd = (uint32_t)-1;
static uint32_t last_btf_size;

__attribute__((visibility("default"))) long syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
	long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
	va_end(ap);
	long r = ub_raw_syscall6(nr, a1, a2, a3, a4, a5, a6);
	int kerr = r < 0 && r > -4096 ? (int)-r : 0;
	if (nr == __NR_bpf && (int)a1 == BPF_BTF_LOAD) {
		union bpf_attr copy;
		memset(&copy, 0, sizeof(copy));
		memcpy(&copy, (void *)a2, (unsigned)a3 < sizeof(copy) ? (unsigned)a3 : sizeof(copy));
		errno = 0;
		long u = ub_bpf(BPF_BTF_LOAD, &copy, (unsigned)a3);
		int uerr = u < 0 ? errno : 0;
		n_btf_loads++;
		bool ok = (r >= 0) == (u >= 0) && kerr == uerr;
		n_agree += ok;
		CHECK(ok, "libbpf BTF_LOAD #%d (%u bytes): kernel %ld errno %d, userbpf %ld errno %d",
		      n_btf_loads, copy.btf_size, r < 0 ? -1 : r, kerr, u, uerr);
		if (u >= 0) {
			if (last_ub_btf_fd != (uint32_t)-1)
				close((int)last_ub_btf_fd);
			last_ub_btf_fd = (uint32_t)u;
			last_btf_size = copy.btf_size;
		}
	}
	if (kerr) {
		errno = kerr;
		return -1;
	}
	return r;
}

int main(void)
{
	char path[4200];
	const char *b = getenv("UB_BUILD");
	d_init("btf_libbpf");
	if (!d.kernel) {
		/* libbpf's probes need the kernel to answer them first. */
		SKIP("no kernel bpf(): libbpf's BTF_LOADs cannot be replayed");
		return T_DONE();
	}
	snprintf(path, sizeof(path), "%s/bpf/btf_obj.bpf.o", b ? b : "build");
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	CHECK(obj != NULL, "open %s", path);
	if (!obj)
		return T_DONE();
	int err = bpf_object__load(obj);
	CHECK(err == 0, "bpf_object__load on the kernel: %d", err);
	/* The probes (btf, func, global func, datasec, float, decl_tag, type_tag, enum64...)
	 * and the object's own BTF all went through. */
	CHECK(n_btf_loads >= 8, "libbpf sent %d BTF_LOADs", n_btf_loads);
	CHECK(n_agree == n_btf_loads, "%d of %d agree", n_agree, n_btf_loads);
	d.kcases = n_btf_loads;

	/* The object's BTF (the last one loaded) reads back whole from userbpf. */
	struct btf *kbtf = bpf_object__btf(obj);
	uint32_t ksize = 0;
	const void *kraw = kbtf ? btf__raw_data(kbtf, &ksize) : NULL;
	CHECK(kraw && ksize == last_btf_size, "object BTF %u bytes, last load %u", ksize,
	      last_btf_size);
	static uint8_t raw[65536];
	uint8_t info[32] = {0};
	uint64_t p = (uintptr_t)raw;
	uint32_t sz = sizeof(raw);
	memcpy(info, &p, 8);
	memcpy(info + 8, &sz, 4);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = last_ub_btf_fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)info;
	CHECK_RET(ub_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0, 0, "btf info");
	memcpy(&sz, info + 8, 4);
	CHECK(sz == ksize && kraw && !memcmp(raw, kraw, ksize), "blob read back (%u bytes)", sz);
	uint32_t id;
	memcpy(&id, info + 12, 4);
	memset(&a, 0, sizeof(a));
	a.btf_id = id;
	int fd2 = ub_bpf(BPF_BTF_GET_FD_BY_ID, &a, sizeof(a));
	CHECK(fd2 >= 0, "BTF_GET_FD_BY_ID %u: errno %d", id, errno);
	/* libbpf parses what userbpf hands back. */
	struct btf *ub = NULL;
	if (fd2 >= 0) {
		memset(info, 0, sizeof(info));
		p = (uintptr_t)raw;
		sz = sizeof(raw);
		memcpy(info, &p, 8);
		memcpy(info + 8, &sz, 4);
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)fd2;
		a.info.info_len = sizeof(info);
		a.info.info = (uintptr_t)info;
		CHECK_RET(ub_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0, 0, "btf info by id");
		memcpy(&sz, info + 8, 4);
		ub = btf__new(raw, sz);
		close(fd2);
	}
	CHECK(ub && btf__type_cnt(ub) == btf__type_cnt(kbtf), "types: %u vs %u",
	      ub ? btf__type_cnt(ub) : 0, btf__type_cnt(kbtf));
	btf__free(ub);
	bpf_object__close(obj);
	return d_done();
}
