// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Unmodified bpftool on BTF: `btf dump` and BTF-formatted `map dump`, kernel vs userbpf, same text. */
#include "diff.h"
#include "btf_build.h"

#include <fcntl.h>
#include <sys/stat.h>

static struct bb B;

static void build(void)
{
	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);                  /* 1 */
	bb_int(&B, "char", 1, BTF_INT_CHAR, 0, 8);                    /* 2 */
	bb_array(&B, 2, 1, 6);                                        /* 3 */
	bb_t(&B, "color", BB_INFO(BTF_KIND_ENUM, 0, 2), 4);           /* 4 */
	bb_enum_val(&B, "RED", 0);
	bb_enum_val(&B, "BLUE", 7);
	bb_struct(&B, BTF_KIND_STRUCT, "val", 0, 4, 20);              /* 5 */
	bb_member(&B, "a", 1, 0);
	bb_member(&B, "b", 1, 32);
	bb_member(&B, "name", 3, 64);
	bb_member(&B, "c", 4, 128);
	bb_ref(&B, BTF_KIND_TYPEDEF, "val_t", 5);                     /* 6 */
	bb_finish(&B);
}

/* Run @cmd (with @preload in LD_PRELOAD when set) and return its stdout. */
static char *run_cmd(const char *cmd, const char *preload)
{
	char full[1024];
	snprintf(full, sizeof(full), "%s%s%s %s 2>&1", preload ? "LD_PRELOAD=" : "",
		 preload ? preload : "", preload ? "" : "", cmd);
	FILE *p = popen(full, "r");
	if (!p)
		return strdup("");
	size_t cap = 65536, n = 0;
	char *out = malloc(cap);
	size_t r;
	while ((r = fread(out + n, 1, cap - n - 1, p)) > 0)
		n += r;
	out[n] = 0;
	pclose(p);
	return out;
}

int main(void)
{
	const char *preload = getenv("UB_PRELOAD");
	d_init("btf_bpftool");
	if (!d.kernel) {
		SKIP("bpftool's kernel output is the model: needs bpf()");
		return T_DONE();
	}
	if (!preload || !*preload || access(preload, R_OK) || access("/usr/sbin/bpftool", X_OK)) {
		SKIP("needs bpftool and UB_PRELOAD");
		return T_DONE();
	}
	build();
	/*
	 * Each side pins under its own name: a bpftool that missed the preload
	 * library would not find the userbpf map on the real bpffs.
	 */
	char pins[2][128];
	snprintf(pins[D_K], sizeof(pins[D_K]), "/sys/fs/bpf/ub_btf_bpftool_k%d", (int)getpid());
	snprintf(pins[D_U], sizeof(pins[D_U]), "/sys/fs/bpf/ub_btf_bpftool_u%d", (int)getpid());
	uint32_t btf_id[2] = {0, 0};
	for (int s = D_K; s < 2; s++) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.btf = (uintptr_t)B.blob;
		a.btf_size = B.size;
		int bfd = (int)d_bpf(s, BPF_BTF_LOAD, &a, sizeof(a));
		CHECK(bfd >= 0, "BTF_LOAD side %d: errno %d", s, errno);
		uint8_t info[32] = {0};
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)bfd;
		a.info.info_len = sizeof(info);
		a.info.info = (uintptr_t)info;
		d_bpf(s, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
		memcpy(&btf_id[s], info + 12, 4);

		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 20;
		a.max_entries = 3;
		a.btf_fd = (uint32_t)bfd;
		a.btf_key_type_id = 1;
		a.btf_value_type_id = 6;
		int mfd = (int)d_bpf(s, BPF_MAP_CREATE, &a, sizeof(a));
		CHECK(mfd >= 0, "MAP_CREATE with BTF side %d: errno %d", s, errno);
		uint32_t k = 1;
		uint8_t v[20] = {0};
		int32_t x = -3;
		memcpy(v, &x, 4);
		v[4] = 42;
		memcpy(v + 8, "hello", 6);
		v[16] = 7;
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)mfd;
		a.key = (uintptr_t)&k;
		a.value = (uintptr_t)v;
		CHECK(d_bpf(s, BPF_MAP_UPDATE_ELEM, &a, sizeof(a)) == 0, "update side %d", s);
		memset(&a, 0, sizeof(a));
		a.pathname = (uintptr_t)pins[s];
		a.bpf_fd = (uint32_t)mfd;
		CHECK(d_bpf(s, BPF_OBJ_PIN, &a, sizeof(a)) == 0, "pin side %d: errno %d", s, errno);
		close(mfd);
		close(bfd);
	}

	/* The same commands; only the ids differ, and they are not in this output. */
	struct {
		const char *name;
		char cmd[512];
	} cmds[3];
	cmds[0].name = "bpftool/map_dump";
	cmds[1].name = "bpftool/map_dump_json";
	cmds[2].name = "bpftool/btf_dump";
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		struct dres r[2];
		char *out[2];
		for (int s = D_K; s < 2; s++) {
			if (i == 0)
				snprintf(cmds[0].cmd, sizeof(cmds[0].cmd), "bpftool map dump pinned %s",
					 pins[s]);
			else if (i == 1)
				snprintf(cmds[1].cmd, sizeof(cmds[1].cmd),
					 "bpftool -j map dump pinned %s", pins[s]);
			else
				snprintf(cmds[2].cmd, sizeof(cmds[2].cmd), "bpftool btf dump id %u",
					 btf_id[s]);
			out[s] = run_cmd(cmds[i].cmd, s == D_U ? preload : NULL);
			r[s] = d_res(0, 0, out[s], strlen(out[s]));
		}
		if (!d_report(cmds[i].name, r))
			fprintf(stderr, "--- kernel:\n%s--- userbpf:\n%s", out[0], out[1]);
		CHECK(strlen(out[0]) > 20, "%s printed: %s", cmds[i].name, out[0]);
		free(out[0]);
		free(out[1]);
	}
	/* The real bpffs pin: unlink() in this binary may be routed to userbpf's tree. */
	syscall(SYS_unlinkat, AT_FDCWD, pins[D_K], 0);
	return d_done();
}
