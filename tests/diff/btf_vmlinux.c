// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The running kernel's own BTF (5 MB, ~150k types) loaded on both sides: result, log text, log size. */
#include "diff.h"
#include "btf_build.h"

#include <linux/btf.h>
#include <sys/stat.h>

int main(void)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	d_init("btf_vmlinux");
	/* The blob is this machine's kernel: there is nothing to record for another. */
	if (!d.kernel) {
		SKIP("no kernel bpf() to compare the kernel's BTF with");
		return T_DONE();
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		SKIP("no /sys/kernel/btf/vmlinux");
		return T_DONE();
	}
	size_t cap = 64u << 20;
	uint8_t *blob = malloc(cap);
	size_t n = blob ? fread(blob, 1, cap, f) : 0;
	fclose(f);
	CHECK(n > 0 && n < cap, "read %zu bytes", n);

	/* Without a log, then with a log as big as it needs, then with a 4 KiB one. */
	static const uint32_t log_sizes[] = {0, 32u << 20, 4096};
	for (size_t i = 0; i < ARRAY_SIZE(log_sizes); i++) {
		struct dres r[2];
		static char *logs[2];
		for (int s = d_first(); s < 2; s++) {
			struct btf_load_attr a = {.btf = (uintptr_t)blob, .btf_size = (uint32_t)n};
			if (log_sizes[i]) {
				if (!logs[s])
					logs[s] = malloc(32u << 20);
				logs[s][0] = 0;
				a.log_buf = (uintptr_t)logs[s];
				a.log_size = log_sizes[i];
				a.log_level = 1;
			}
			errno = 0;
			long ret = d_bpf(s, BPF_BTF_LOAD, &a, sizeof(a));
			int e = errno;
			if (ret >= 0)
				close((int)ret);
			r[s] = d_res(ret >= 0 ? 0 : ret, e, log_sizes[i] ? logs[s] : "",
				     log_sizes[i] ? strnlen(logs[s], log_sizes[i]) : 0);
			r[s].hash ^= a.log_true_size;
		}
		char name[64];
		snprintf(name, sizeof(name), "vmlinux/log_size_%u", log_sizes[i]);
		d_report(name, r);
	}
	free(blob);

	/*
	 * More than 2^20 types: the kernel takes them (only references past id
	 * 0xfffff are refused). 0x110000 FWDs, then one PTR to a high id.
	 */
	uint32_t nt = 0x110000;
	size_t tl = (size_t)nt * 12;
	for (int variant = 0; variant < 2; variant++) {
		size_t extra = variant ? 12 : 0, sz = 24 + tl + extra + 3;
		uint8_t *big = calloc(1, sz);
		struct btf_header *h = (void *)big;
		h->magic = BTF_MAGIC;
		h->version = BTF_VERSION;
		h->hdr_len = 24;
		h->type_len = (uint32_t)(tl + extra);
		h->str_off = (uint32_t)(tl + extra);
		h->str_len = 3;
		uint32_t *t = (uint32_t *)(big + 24);
		for (uint32_t i = 0; i < nt; i++) {
			t[3 * i] = 1;
			t[3 * i + 1] = (uint32_t)BTF_KIND_FWD << 24;
		}
		if (variant) {
			t[3 * nt + 1] = (uint32_t)BTF_KIND_PTR << 24;
			t[3 * nt + 2] = 0x100001;
		}
		memcpy(big + 24 + tl + extra, "\0a\0", 3);
		struct dres r[2];
		for (int s = d_first(); s < 2; s++) {
			struct btf_load_attr a = {.btf = (uintptr_t)big, .btf_size = (uint32_t)sz};
			errno = 0;
			long ret = d_bpf(s, BPF_BTF_LOAD, &a, sizeof(a));
			int e = errno;
			if (ret >= 0)
				close((int)ret);
			r[s] = d_res(ret >= 0 ? 0 : ret, e, NULL, 0);
		}
		d_report(variant ? "big/ptr_to_id_past_20_bits" : "big/0x110000_types", r);
		free(big);
	}
	return d_done();
}
