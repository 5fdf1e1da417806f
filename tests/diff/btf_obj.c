// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of BTF as an object: fd by id, next id, info edge cases, pinning, fd flags. */
#include "diff.h"
#include "btf_build.h"

#include <fcntl.h>

static struct bb B;

/* A BTF on both sides; returns its fd symbol. */
static uint32_t load(void)
{
	uint32_t fds[2] = {(uint32_t)-1, (uint32_t)-1};
	for (int s = d_first(); s < 2; s++) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.btf = (uintptr_t)B.blob;
		a.btf_size = B.size;
		long r = d_bpf(s, BPF_BTF_LOAD, &a, sizeof(a));
		CHECK(r >= 0, "BTF_LOAD side %d: errno %d", s, errno);
		fds[s] = (uint32_t)r;
	}
	return d_sym(fds[D_K], fds[D_U]);
}

/* The BTF's id on each side, as a symbol. */
static uint32_t id_of(uint32_t fd)
{
	uint32_t ids[2] = {0, 0};
	for (int s = d_first(); s < 2; s++) {
		uint8_t info[32] = {0};
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)d_fd(fd, s);
		a.info.info_len = sizeof(info);
		a.info.info = (uintptr_t)info;
		if (d_bpf(s, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) == 0)
			memcpy(&ids[s], info + 12, 4);
	}
	return d_sym(ids[D_K], ids[D_U]);
}

int main(void)
{
	struct dcase *c;
	d_init("btf_obj");
	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);
	bb_finish(&B);
	uint32_t fd = load(), id = id_of(fd);

	/* fd flags: read-only, close-on-exec. */
	struct dres r[2];
	for (int s = d_first(); s < 2; s++) {
		int fl = fcntl(d_fd(fd, s), F_GETFL), fdfl = fcntl(d_fd(fd, s), F_GETFD);
		uint32_t facts[2] = {(uint32_t)(fl & O_ACCMODE), (uint32_t)(fdfl & FD_CLOEXEC)};
		r[s] = d_res(0, 0, facts, sizeof(facts));
	}
	d_report("fd/flags", r);

	/* BTF_GET_FD_BY_ID: the id, flags, a missing id; the new fd's flags. */
	static const struct {
		const char *name;
		uint32_t open_flags;
		bool good_id;
	} by_id[] = {
		{"by_id/ok", 0, true},
		{"by_id/rdonly_flag", BPF_F_RDONLY, true},
		{"by_id/wronly_flag", BPF_F_WRONLY, true},
		{"by_id/flag_1", 1, true},
		{"by_id/missing_id", 0, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(by_id); i++) {
		c = d_new(BPF_BTF_GET_FD_BY_ID, 16, "%s", by_id[i].name);
		c->t.a.btf_id = by_id[i].good_id ? id : 0x7ffffff0;
		c->t.a.open_flags = by_id[i].open_flags;
		c->keep = true;
		c->fdret = true;
		d_run(c);
		if (c->sym >= 0) {
			uint32_t s2 = (uint32_t)c->sym;
			bool both = true;
			for (int s = d_first(); s < 2; s++)
				both &= d_fd(s2, s) >= 0;
			if (both) {
				for (int s = d_first(); s < 2; s++) {
					int fl = fcntl(d_fd(s2, s), F_GETFL);
					uint32_t facts[1] = {(uint32_t)(fl & O_ACCMODE)};
					r[s] = d_res(0, 0, facts, sizeof(facts));
				}
				char n[96];
				snprintf(n, sizeof(n), "%s/fd_accmode", by_id[i].name);
				d_report(n, r);
			}
			d_close(s2);
		}
	}

	/* Info: info_len too big with a non-zero tail, NULL info, a page and more. */
	static uint8_t big[4200];
	memset(big, 0, sizeof(big));
	big[100] = 1;
	c = d_new(BPF_OBJ_GET_INFO_BY_FD, 16, "info/nonzero_tail");
	c->t.a.info.bpf_fd = fd;
	c->t.a.info.info_len = 128;
	c->t.a.info.info = d_ptr(c, big, 128);
	d_run(c);
	big[100] = 0;
	c = d_new(BPF_OBJ_GET_INFO_BY_FD, 16, "info/zero_tail_128");
	c->t.a.info.bpf_fd = fd;
	c->t.a.info.info_len = 128;
	c->t.a.info.info = d_ptr(c, big, 128);
	d_mask(c, 0, 12, 4);
	d_run(c);
	c = d_new(BPF_OBJ_GET_INFO_BY_FD, 16, "info/len_4097");
	c->t.a.info.bpf_fd = fd;
	c->t.a.info.info_len = 4097;
	c->t.a.info.info = d_ptr(c, big, 4097);
	d_run(c);
	c = d_new(BPF_OBJ_GET_INFO_BY_FD, 16, "info/null_info_len_32");
	c->t.a.info.bpf_fd = fd;
	c->t.a.info.info_len = 32;
	d_run(c);

	/* Pinning a BTF fd: only maps, programs and links pin. */
	c = d_new(BPF_OBJ_PIN, 16, "pin/btf_fd");
	static char path[] = "/sys/fs/bpf/userbpf_btf_obj_test";
	c->t.a.pathname = d_ptr(c, path, sizeof(path));
	c->t.a.bpf_fd = fd;
	d_run(c);
	for (int s = d_first(); s < 2; s++)
		if (s == D_K)
			unlink(path);

	/* Once closed, the id is gone. */
	d_close(fd);
	c = d_new(BPF_BTF_GET_FD_BY_ID, 16, "by_id/after_close");
	c->fdret = true;
	c->t.a.btf_id = id;
	d_run(c);
	return d_done();
}
