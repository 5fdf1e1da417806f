// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* PROG_LOAD attr validation, probes, logs and prog info: userbpf against the live kernel. */
#include "t.h"
#include "sides.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ATTR_SZ 168

static union {
	union bpf_attr a;
	unsigned char raw[ATTR_SZ];
} A;


static int kernel_ok;

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct pcase {
	const char *name;
	unsigned type;
	struct bpf_insn insns[8];
	unsigned cnt;
	const char *license;
	const char *pname;
	unsigned eat;
	unsigned log_level, log_size;
	int log_buf; /* 1: give a buffer */
	unsigned flags;
	int map_insn; /* >= 0: insn whose imm is a map fd */
	int null_insns;
	unsigned attr_size;
	int fd_array; /* pass fd_array = {map fd} */
};

static int map_create(bpf_fn f)
{
	return sides_map(f, BPF_MAP_TYPE_ARRAY, 32, 1, 0);
}

struct result {
	int ret, err;
	int true_size_written;
	char log[1024];
	unsigned log_true;
};

static struct result run_case(bpf_fn f, const struct pcase *c, int map_fd)
{
	struct bpf_insn insns[8];
	static char log[1024];
	struct result r = {0};
	memcpy(insns, c->insns, sizeof(insns));
	if (c->map_insn >= 0)
		insns[c->map_insn].imm = map_fd;
	memset(&A, 0, sizeof(A));
	memset(log, 0, sizeof(log));
	A.a.prog_type = c->type;
	A.a.insn_cnt = c->cnt;
	A.a.insns = c->null_insns ? 0 : (unsigned long)insns;
	A.a.license = (unsigned long)c->license;
	if (c->pname)
		snprintf(A.a.prog_name, sizeof(A.a.prog_name), "%s", c->pname);
	A.a.expected_attach_type = c->eat;
	A.a.log_level = c->log_level;
	A.a.log_size = c->log_size;
	A.a.log_buf = c->log_buf ? (unsigned long)log : 0;
	A.a.prog_flags = c->flags;
	static int fda[1];
	fda[0] = map_fd;
	if (c->fd_array)
		A.a.fd_array = (unsigned long)fda;
	const unsigned off_true = 140;
	unsigned sentinel = 0xdeadbeef;
	memcpy(A.raw + off_true, &sentinel, 4);
	unsigned size = c->attr_size ? c->attr_size : ATTR_SZ;
	/* Past a short attr the kernel reads nothing: keep those bytes clean. */
	if (size < ATTR_SZ)
		memset(A.raw + size, 0, ATTR_SZ - size);
	if (size <= off_true)
		memcpy(A.raw + off_true, &sentinel, 4);
	errno = 0;
	r.ret = f(BPF_PROG_LOAD, &A, size);
	r.err = r.ret < 0 ? errno : 0;
	memcpy(&r.log_true, A.raw + off_true, 4);
	r.true_size_written = r.log_true != sentinel;
	memcpy(r.log, log, sizeof(r.log));
	if (r.ret >= 0)
		close(r.ret);
	return r;
}

#define G "GPL"
static const struct pcase cases[] = {
	{"probe r0=0", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"probe call 0xa0", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 0xa0), EXIT()}, 2, G, .map_insn = -1},
	{"probe name", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, "libbpf_nametest", .map_insn = -1},
	{"probe cgroup sock eat", BPF_PROG_TYPE_CGROUP_SOCK, {MOV64_IMM(0, 1), EXIT()}, 2, G, .eat = BPF_CGROUP_INET_SOCK_CREATE, .map_insn = -1},
	{"cgroup sock bad eat", BPF_PROG_TYPE_CGROUP_SOCK, {MOV64_IMM(0, 1), EXIT()}, 2, G, .eat = BPF_XDP, .map_insn = -1},
	{"probe global data", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 0), INSN(0, 0, 0, 0, 0),
	  INSN(BPF_ST | BPF_MEM | BPF_DW, 1, 0, 0, 42), MOV64_IMM(0, 0), EXIT()}, 5, G, .map_insn = 0},
	{"map value off past value", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 0), INSN(0, 0, 0, 0, 32),
	  MOV64_IMM(0, 0), EXIT()}, 4, G, .map_insn = 0},
	{"map idx with fd_array", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 0), INSN(0, 0, 0, 0, 0),
	  MOV64_IMM(0, 0), EXIT()}, 4, G, .map_insn = -1, .fd_array = 1},
	{"map idx value with fd_array", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX_VALUE, 0, 0), INSN(0, 0, 0, 0, 8),
	  INSN(BPF_ST | BPF_MEM | BPF_DW, 1, 0, 0, 42), MOV64_IMM(0, 0), EXIT()}, 5, G, .map_insn = -1, .fd_array = 1},
	{"map idx without fd_array", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 0), INSN(0, 0, 0, 0, 0),
	  MOV64_IMM(0, 0), EXIT()}, 4, G, .map_insn = -1},
	{"map fd not a map", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 0), INSN(0, 0, 0, 0, 0),
	  MOV64_IMM(0, 0), EXIT()}, 4, G, .map_insn = -1},
	{"xdp r0=2", BPF_PROG_TYPE_XDP, {MOV64_IMM(0, 2), EXIT()}, 2, G, .map_insn = -1},
	{"sched_cls", BPF_PROG_TYPE_SCHED_CLS, {MOV64_IMM(0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"sched_act", BPF_PROG_TYPE_SCHED_ACT, {MOV64_IMM(0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"syscall not sleepable", BPF_PROG_TYPE_SYSCALL, {MOV64_IMM(0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"syscall", BPF_PROG_TYPE_SYSCALL, {MOV64_IMM(0, 0), EXIT()}, 2, G, .flags = BPF_F_SLEEPABLE, .map_insn = -1},
	{"xdp sleepable", BPF_PROG_TYPE_XDP, {MOV64_IMM(0, 0), EXIT()}, 2, G, .flags = BPF_F_SLEEPABLE, .map_insn = -1},
	{"insn_cnt 0", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 0, G, .map_insn = -1},
	{"insn_cnt 0 bad type", 999, {MOV64_IMM(0, 0), EXIT()}, 0, G, .map_insn = -1},
	{"type unspec", BPF_PROG_TYPE_UNSPEC, {MOV64_IMM(0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"type 999", 999, {MOV64_IMM(0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"license NULL", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, NULL, .map_insn = -1},
	{"insns NULL", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .map_insn = -1, .null_insns = 1},
	{"bad name", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, "a-b", .map_insn = -1},
	{"prog_flags 1<<20", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .flags = 1u << 20, .map_insn = -1},
	{"log level 1 no buf", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 1, .map_insn = -1},
	{"log buf without level", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_size = 200, .log_buf = 1, .map_insn = -1},
	{"log size without buf", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 1, .log_size = 200, .map_insn = -1},
	{"log buf size 0", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 1, .log_buf = 1, .map_insn = -1},
	{"log level 16", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 16, .log_size = 200, .log_buf = 1, .map_insn = -1},
	{"log size 2^30", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 1, .log_size = 1u << 30, .log_buf = 1, .map_insn = -1},
	{"log too small ok prog", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 1, .log_size = 8, .log_buf = 1, .map_insn = -1},
	{"log fixed too small", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 9, .log_size = 8, .log_buf = 1, .map_insn = -1},
	{"log level 2 ok", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 2, .log_size = 1024, .log_buf = 1, .map_insn = -1},
	{"log, short attr", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT()}, 2, G, .log_level = 1, .log_size = 256, .log_buf = 1, .map_insn = -1, .attr_size = 128},
	{"log on failure", BPF_PROG_TYPE_SOCKET_FILTER, {EXIT()}, 1, G, .log_level = 1, .log_size = 256, .log_buf = 1, .map_insn = -1},
	{"log on failure small", BPF_PROG_TYPE_SOCKET_FILTER, {EXIT()}, 1, G, .log_level = 1, .log_size = 4, .log_buf = 1, .map_insn = -1},
	{"unknown helper", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 9999), EXIT()}, 2, G, .map_insn = -1},
	{"gpl helper non-gpl", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0), INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0), INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, -4),
	  MOV64_IMM(2, 4), INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_trace_printk), MOV64_IMM(0, 0), EXIT()}, 7, "MIT", .map_insn = -1},
	{"xdp helper in socket filter", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(2, 0), INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_head), EXIT()}, 3, G, .map_insn = -1},
	{"kfunc call", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_JMP | BPF_CALL, 0, 2, 0, 1), EXIT()}, 2, G, .map_insn = -1},
	{"r0 uninit", BPF_PROG_TYPE_SOCKET_FILTER, {EXIT()}, 1, G, .map_insn = -1},
	{"r2 uninit", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 2, 0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"jump out of range", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), INSN(BPF_JMP | BPF_JA, 0, 0, 5, 0), EXIT()}, 3, G, .map_insn = -1},
	{"infinite loop", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), INSN(BPF_JMP | BPF_JA, 0, 0, -1, 0), EXIT()}, 3, G, .map_insn = -1},
	{"unreachable", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), EXIT(), MOV64_IMM(0, 0), EXIT()}, 4, G, .map_insn = -1},
	{"no exit", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0)}, 1, G, .map_insn = -1},
	{"lddw last", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 0), INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 0)}, 2, G, .map_insn = -1},
	{"jump into lddw", BPF_PROG_TYPE_SOCKET_FILTER,
	 {INSN(BPF_JMP | BPF_JA, 0, 0, 1, 0), INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 0), INSN(0, 0, 0, 0, 0), EXIT()}, 4, G, .map_insn = -1},
	{"div by zero imm", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 1), INSN(BPF_ALU64 | BPF_DIV | BPF_K, 0, 0, 0, 0), EXIT()}, 3, G, .map_insn = -1},
	{"div by zero reg ok", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 1), MOV64_IMM(1, 0), INSN(BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 0, 0), EXIT()}, 4, G, .map_insn = -1},
	{"write r10", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(10, 0), MOV64_IMM(0, 0), EXIT()}, 3, G, .map_insn = -1},
	{"stack below 512", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -520, 0), MOV64_IMM(0, 0), EXIT()}, 3, G, .map_insn = -1},
	{"stack above fp", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, 0, 0), MOV64_IMM(0, 0), EXIT()}, 3, G, .map_insn = -1},
	{"unknown opcode", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(0xff, 0, 0, 0, 0), MOV64_IMM(0, 0), EXIT()}, 3, G, .map_insn = -1},
	{"reserved field", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 1, 0, 0), EXIT()}, 2, G, .map_insn = -1},
	{"bad register", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(11, 0), MOV64_IMM(0, 0), EXIT()}, 3, G, .map_insn = -1},
	{"shift too far", BPF_PROG_TYPE_SOCKET_FILTER, {MOV64_IMM(0, 1), INSN(BPF_ALU64 | BPF_LSH | BPF_K, 0, 0, 0, 64), EXIT()}, 3, G, .map_insn = -1},
	{"ld_abs in xdp", BPF_PROG_TYPE_XDP, {INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0), INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0), EXIT()}, 3, G, .map_insn = -1},
	{"ld_abs socket filter", BPF_PROG_TYPE_SOCKET_FILTER, {INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0), INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0), EXIT()}, 3, G, .map_insn = -1},
};

int main(void)
{
	int kmap = -1, umap = map_create(ubpf);
	errno = 0;
	kmap = map_create(kbpf);
	kernel_ok = kmap >= 0;
	if (!kernel_ok)
		SKIP("kernel bpf() unavailable: comparing against recorded expectations only");
	CHECK(umap >= 0, "userbpf map");
	int kran = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *c = &cases[i];
		struct result u = run_case(ubpf, c, c->map_insn >= 0 || c->fd_array ? umap : 99);
		if (!kernel_ok)
			continue;
		struct result k = run_case(kbpf, c, c->map_insn >= 0 || c->fd_array ? kmap : 99);
		kran++;
		CHECK((u.ret >= 0) == (k.ret >= 0) && u.err == k.err,
		      "%s: userbpf ret %d errno %d (%s), kernel ret %d errno %d (%s)", c->name, u.ret,
		      u.err, strerror(u.err), k.ret, k.err, strerror(k.err));
		CHECK(u.true_size_written == k.true_size_written,
		      "%s: log_true_size written: userbpf %d kernel %d", c->name, u.true_size_written,
		      k.true_size_written);
		CHECK(!k.true_size_written || !u.true_size_written || (u.log_true == 0) == (k.log_true == 0),
		      "%s: log_true_size userbpf %u kernel %u", c->name, u.log_true, k.log_true);
		if (k.err && c->log_buf && c->log_size >= 64 && k.log[0])
			CHECK(strlen(u.log) > 0, "%s: a log on failure (kernel: %s)", c->name, k.log);
		if (getenv("UB_SHOW_LOGS"))
			fprintf(stderr, "%s:\n  kernel: %s\n  userbpf: %s\n", c->name, k.log, u.log);
	}
	if (kernel_ok)
		CHECK(kran > 0, "the kernel half ran");

	/* BPF_LINK_CREATE with prog_fd -1: EBADF (cilium's probe). */
	union bpf_attr l;
	memset(&l, 0, sizeof(l));
	l.link_create.prog_fd = -1;
	l.link_create.target_fd = -1;
	CHECK_RET(ub_bpf(BPF_LINK_CREATE, &l, 48), -1, EBADF, "link_create prog_fd -1");
	if (kernel_ok)
		CHECK_RET(kbpf(BPF_LINK_CREATE, &l, 48), -1, EBADF, "kernel link_create prog_fd -1");

	/* Program info: type, name, tag, map ids, xlated length, on both. */
	const struct pcase *gd = &cases[5]; /* probe global data */
	for (int side = 0; side < 1 + kernel_ok; side++) {
		bpf_fn f = side ? kbpf : ubpf;
		struct bpf_insn insns[8];
		memcpy(insns, gd->insns, sizeof(insns));
		insns[0].imm = side ? kmap : umap;
		memset(&A, 0, sizeof(A));
		A.a.prog_type = gd->type;
		A.a.insn_cnt = gd->cnt;
		A.a.insns = (unsigned long)insns;
		A.a.license = (unsigned long)"GPL";
		strcpy(A.a.prog_name, "infotest");
		int fd = f(BPF_PROG_LOAD, &A, ATTR_SZ);
		CHECK(fd >= 0, "side %d load: %s", side, strerror(errno));
		struct bpf_prog_info info;
		unsigned ids[4] = {0};
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = 4;
		info.map_ids = (unsigned long)ids;
		memset(&A, 0, sizeof(A));
		A.a.info.bpf_fd = fd;
		A.a.info.info_len = sizeof(info);
		A.a.info.info = (unsigned long)&info;
		CHECK_RET(f(BPF_OBJ_GET_INFO_BY_FD, &A, ATTR_SZ), 0, 0, "prog info");
		static struct bpf_prog_info kinfo, uinfo;
		if (side)
			kinfo = info;
		else
			uinfo = info;
		CHECK(info.type == BPF_PROG_TYPE_SOCKET_FILTER && !strcmp(info.name, "infotest") &&
		      info.nr_map_ids == 1 && info.id && info.gpl_compatible,
		      "side %d info type %u name %s maps %u", side, info.type, info.name, info.nr_map_ids);
		if (side) {
			CHECK(!memcmp(kinfo.tag, uinfo.tag, 8), "tag equals the kernel's");
			CHECK(kinfo.xlated_prog_len == uinfo.xlated_prog_len, "xlated len u %u k %u",
			      uinfo.xlated_prog_len, kinfo.xlated_prog_len);
		}
		/* PROG_GET_FD_BY_ID finds it. */
		memset(&A, 0, sizeof(A));
		A.a.prog_id = info.id;
		int fd2 = f(BPF_PROG_GET_FD_BY_ID, &A, ATTR_SZ);
		CHECK(fd2 >= 0, "side %d get fd by id", side);
		if (fd2 >= 0)
			close(fd2);
		close(fd);
	}
	return T_DONE();
}
