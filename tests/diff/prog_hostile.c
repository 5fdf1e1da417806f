// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Hostile programs: each must be refused at load, by userbpf as by the
 * kernel, with the kernel's errno and a log naming the reason. A program the
 * kernel accepts makes this test fail (it would not be hostile).
 */
#include "t.h"
#include "sides.h"
#include "insns.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

/* r0 = lookup(map, &(u32)0 on the stack): an array lookup that cannot fail */
#define LOOKUP() ST(BPF_W, 10, -4, 0), MOVX(2, 10), ADD(2, -4), LDMAP(1), CALL(BPF_FUNC_map_lookup_elem)
/* r0 = lookup(map, &skb->len): the key is unknown, the result may be NULL */
#define LOOKUP_NULL() LDX(BPF_W, 3, 1, 0), STX(BPF_W, 10, 3, -4), MOVX(2, 10), ADD(2, -4), LDMAP(1), \
	CALL(BPF_FUNC_map_lookup_elem)

struct hcase {
	const char *name;
	unsigned type;
	struct bpf_insn insns[24];
	const char *why; /* a word the userbpf log must contain */
};

static const struct hcase cases[] = {
	{"stack below the frame", BPF_PROG_TYPE_SOCKET_FILTER, {ST(BPF_DW, 10, -520, 0), MOV(0, 0), EXIT()}, "stack"},
	{"stack above fp", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_DW, 0, 10, 0), EXIT()}, "stack"},
	{"map value past the end", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP(), JEQ(0, 0, 1), LDX(BPF_DW, 0, 0, 8), MOV(0, 0), EXIT()}, "map value"},
	{"map value before the start", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP(), JEQ(0, 0, 1), LDX(BPF_DW, 0, 0, -8), MOV(0, 0), EXIT()}, "map value"},
	{"unchecked lookup", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP_NULL(), LDX(BPF_DW, 0, 0, 0), EXIT()}, "map_value_or_null"},
	{"deref on the NULL branch", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP_NULL(), JNE(0, 0, 1), LDX(BPF_DW, 0, 0, 0), MOV(0, 0), EXIT()}, "invalid mem access"},
	{"unbounded index into a value", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP(), JEQ(0, 0, 3), LDX(BPF_W, 1, 0, 0), ADDX(0, 1), LDX(BPF_B, 0, 0, 0), MOV(0, 0), EXIT()}, "unbounded"},
	{"packet without a bounds check", BPF_PROG_TYPE_XDP, {LDX(BPF_W, 2, 1, 0), LDX(BPF_B, 0, 2, 0), EXIT()}, "packet"},
	{"packet past the checked range", BPF_PROG_TYPE_XDP, {LDX(BPF_W, 2, 1, 0), LDX(BPF_W, 3, 1, 4), MOVX(4, 2), ADD(4, 4), JGTX(4, 3, 2), LDX(BPF_W, 0, 2, 2), EXIT(), MOV(0, 0), EXIT()}, "packet"},
	{"uninitialised register", BPF_PROG_TYPE_SOCKET_FILTER, {MOVX(0, 5), EXIT()}, "!read_ok"},
	{"uninitialised r0 at exit", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(1, 0), EXIT()}, "!read_ok"},
	{"arithmetic on a map pointer", BPF_PROG_TYPE_SOCKET_FILTER, {LDMAP(1), ADD(1, 8), MOV(0, 0), EXIT()}, "prohibited"},
	{"arithmetic on a nullable value", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP_NULL(), ADD(0, 8), MOV(0, 0), EXIT()}, "prohibited"},
	{"variable ctx offset", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 2, 1, 0), ADDX(1, 2), LDX(BPF_W, 0, 1, 0), EXIT()}, "ctx"},
	{"32-bit pointer arithmetic", BPF_PROG_TYPE_SOCKET_FILTER, {MOVX(2, 10), INSN(BPF_ALU | BPF_ADD | BPF_K, 2, 0, 0, 8), MOV(0, 0), EXIT()}, "pointer"},
	{"write to .rodata", BPF_PROG_TYPE_SOCKET_FILTER, {LDMAPVAL(1), ST(BPF_DW, 1, 0, 1), MOV(0, 0), EXIT()}, "forbidden"},
	{"stack overflow through calls", BPF_PROG_TYPE_SOCKET_FILTER, {ST(BPF_DW, 10, -512, 0), CALLPC(2), MOV(0, 0), EXIT(), ST(BPF_DW, 10, -64, 0), MOV(0, 0), EXIT()}, "stack"},
	{"unbounded loop", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(0, 0), INSN(BPF_JMP | BPF_JA, 0, 0, -1, 0), EXIT()}, "unreachable insn 2"},
	{"loop with no way out", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(0, 0), JEQ(0, 0, -1), EXIT()}, "infinite loop"},
	{"counting loop without a bound", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(0, 0), ADD(0, 1), JNE(0, 0, -2), EXIT()}, "too large"},
	{"loop bounded by an unknown", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 2, 1, 0), MOV(0, 0), ADD(0, 1), JGTX(2, 0, -2), EXIT()}, "too large"},
	{"jump into the middle of lddw", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(0, 0), JEQ(0, 0, 1), INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 0), INSN(0, 0, 0, 0, 0), EXIT()}, "ldimm64"},
	{"scalar dereference", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(0, 0x1000), LDX(BPF_DW, 0, 0, 0), EXIT()}, "scalar"},
	{"write to xdp_md", BPF_PROG_TYPE_XDP, {ST(BPF_W, 1, 0, 1), MOV(0, 0), EXIT()}, "context"},
	{"read past xdp_md", BPF_PROG_TYPE_XDP, {LDX(BPF_W, 0, 1, 100), EXIT()}, "context"},
	{"lookup key is a number", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(2, 0), LDMAP(1), CALL(BPF_FUNC_map_lookup_elem), MOV(0, 0), EXIT()}, "R2"},
	{"lookup map is the stack", BPF_PROG_TYPE_SOCKET_FILTER, {ST(BPF_W, 10, -4, 0), MOVX(2, 10), ADD(2, -4), MOVX(1, 10), CALL(BPF_FUNC_map_lookup_elem), MOV(0, 0), EXIT()}, "R1"},
	{"variable stack offset below the frame", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 2, 1, 0), INSN(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 1023), MOVX(3, 10), ADD(3, -512), ADDX(3, 2), ST(BPF_B, 3, 0, 0), MOV(0, 0), EXIT()}, "stack"},
	{"write the frame pointer", BPF_PROG_TYPE_SOCKET_FILTER, {MOV(10, 0), MOV(0, 0), EXIT()}, "frame pointer"},
	{"direct packet access in a socket filter", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 2, 1, 76), MOV(0, 0), EXIT()}, "context"},
	{"map value at an unknown key, unchecked", BPF_PROG_TYPE_XDP, {LDX(BPF_W, 3, 1, 12), STX(BPF_W, 10, 3, -4), MOVX(2, 10), ADD(2, -4), LDMAP(1), CALL(BPF_FUNC_map_lookup_elem), ST(BPF_DW, 0, 0, 1), MOV(0, 0), EXIT()}, "map_value_or_null"},
	{"spin lock on the stack", BPF_PROG_TYPE_SOCKET_FILTER, {MOVX(1, 10), ADD(1, -8), CALL(BPF_FUNC_spin_lock), MOV(0, 0), EXIT()}, ""},
	{"callback returning a pointer", BPF_PROG_TYPE_SOCKET_FILTER, {LDMAP(1), INSN(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 6), INSN(0, 0, 0, 0, 0), MOV(3, 0), MOV(4, 0), CALL(BPF_FUNC_for_each_map_elem), MOV(0, 0), EXIT(), MOVX(0, 10), EXIT()}, "func_info"},
	{"callback writing its key", BPF_PROG_TYPE_SOCKET_FILTER, {LDMAP(1), INSN(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 6), INSN(0, 0, 0, 0, 0), MOV(3, 0), MOV(4, 0), CALL(BPF_FUNC_for_each_map_elem), MOV(0, 0), EXIT(), ST(BPF_W, 2, 0, 1), MOV(0, 0), EXIT()}, "func_info"},
	/*
	 * Paths that meet again, the safe one walked first (the fall-through):
	 * the unsafe one must not be taken for covered by it (state pruning).
	 * r6 = skb->len is unknown; "if r6 == 7" picks the unsafe side.
	 */
	{"joined paths: value offset in range on one only", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 6, 1, 0), LOOKUP(), JEQ(6, 7, 2), MOV(3, 0), JA(1), MOV(3, 8), ADDX(0, 3), LDX(BPF_DW, 0, 0, 0), EXIT()}, "map value"},
	{"joined paths: offset spilled to the stack", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 6, 1, 0), LOOKUP(), JEQ(6, 7, 3), MOV(3, 0), STX(BPF_DW, 10, 3, -16), JA(2), MOV(3, 8), STX(BPF_DW, 10, 3, -16), LDX(BPF_DW, 3, 10, -16), ADDX(0, 3), LDX(BPF_DW, 0, 0, 0), EXIT()}, "map value"},
	{"joined paths: packet checked to different lengths", BPF_PROG_TYPE_XDP, {LDX(BPF_W, 2, 1, 0), LDX(BPF_W, 3, 1, 4), LDX(BPF_W, 6, 1, 16), MOVX(4, 2), JEQ(6, 7, 3), ADD(4, 16), JGTX(4, 3, 5), JA(2), ADD(4, 8), JGTX(4, 3, 2), LDX(BPF_DW, 0, 2, 8), EXIT(), MOV(0, 0), EXIT()}, "packet"},
	{"joined paths: constant key in range on one only", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 6, 1, 0), JEQ(6, 7, 2), ST(BPF_W, 10, -4, 0), JA(1), ST(BPF_W, 10, -4, 5), MOVX(2, 10), ADD(2, -4), LDMAP(1), CALL(BPF_FUNC_map_lookup_elem), LDX(BPF_DW, 0, 0, 0), EXIT()}, "map_value_or_null"},
	{"joined paths: NULL-checked on one only", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 6, 1, 0), LOOKUP_NULL(), JEQ(6, 7, 2), JEQ(0, 0, 3), JA(0), LDX(BPF_DW, 0, 0, 0), EXIT(), MOV(0, 0), EXIT()}, "map_value_or_null"},
	{"joined paths: a bound a subprogram relies on", BPF_PROG_TYPE_SOCKET_FILTER, {LDX(BPF_W, 6, 1, 0), JEQ(6, 7, 2), MOV(1, 0), JA(1), MOV(1, 600), CALLPC(2), MOV(0, 0), EXIT(), MOVX(2, 10), ADD(2, -8), INSN(BPF_ALU64 | BPF_SUB | BPF_X, 2, 1, 0, 0), ST(BPF_B, 2, 0, 0), MOV(0, 0), EXIT()}, "stack"},
	/* Alignment: the stack always, atomics everywhere (the kernel's strict rules). */
	{"misaligned stack load", BPF_PROG_TYPE_SOCKET_FILTER, {ST(BPF_DW, 10, -48, 0), LDX(BPF_DW, 0, 10, -41), EXIT()}, "misaligned stack access"},
	{"misaligned atomic on the stack", BPF_PROG_TYPE_SOCKET_FILTER, {ST(BPF_DW, 10, -8, 0), ST(BPF_DW, 10, -16, 0), MOV(1, 1), ATOMIC(BPF_DW, 10, 1, -12, BPF_ADD), MOV(0, 0), EXIT()}, "misaligned stack access off 0+0+-12 size 8"},
	{"misaligned atomic in a map value", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP(), MOV(1, 1), ATOMIC(BPF_W, 0, 1, 2, BPF_ADD), MOV(0, 0), EXIT()}, "misaligned value access off 0+0+2 size 4"},
	{"atomic at an offset not known aligned", BPF_PROG_TYPE_SOCKET_FILTER, {LOOKUP(), LDX(BPF_DW, 1, 0, 0), INSN(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, 4), ADDX(0, 1), MOV(1, 1), ATOMIC(BPF_DW, 0, 1, 0, BPF_ADD), MOV(0, 0), EXIT()}, "misaligned value access off (0x0; 0x4)+0+0 size 8"},
	{"trace_printk of unreadable memory", BPF_PROG_TYPE_SOCKET_FILTER, {MOVX(1, 10), ADD(1, -8), MOV(2, 64), CALL(BPF_FUNC_trace_printk), MOV(0, 0), EXIT()}, "stack"},
};


static int mkmap(bpf_fn f, unsigned flags)
{
	return sides_map(f, BPF_MAP_TYPE_ARRAY, 8, 1, flags);
}

static int load(bpf_fn f, const struct hcase *c, int map, int rodata, char *log, unsigned loglen)
{
	struct bpf_insn p[24];
	unsigned n = 0;
	memcpy(p, c->insns, sizeof(p));
	while (n < 24 && (p[n].code || (n && p[n - 1].code == (BPF_LD | BPF_IMM | BPF_DW))))
		n++;
	for (unsigned i = 0; i < n; i++)
		if (p[i].code == (BPF_LD | BPF_IMM | BPF_DW) && (p[i].src_reg == BPF_PSEUDO_MAP_FD || p[i].src_reg == BPF_PSEUDO_MAP_VALUE))
			p[i].imm = p[i].imm == -1 ? map : rodata;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = c->type;
	a.insns = (unsigned long)p;
	a.insn_cnt = n;
	a.license = (unsigned long)"GPL";
	/* The errno without a log (a long log could end in ENOSPC), then the reason. */
	int fd = f(BPF_PROG_LOAD, &a, sizeof(a));
	int err = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
	/* The kernel's log of a 1M-insn walk takes long to write: only on request. */
	if (f == kbpf && !getenv("UB_SHOW_LOGS"))
		return err;
	a.log_level = 1;
	a.log_buf = (unsigned long)log;
	a.log_size = loglen;
	log[0] = '\0';
	fd = f(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return err;
}

int main(void)
{
	static char ulog[65536], klog[65536];
	klog[0] = '\0';
	int umap = mkmap(ubpf, 0), urod = mkmap(ubpf, BPF_F_RDONLY_PROG);
	int kmap = mkmap(kbpf, 0), krod = mkmap(kbpf, BPF_F_RDONLY_PROG);
	int kernel = kmap >= 0 && krod >= 0;
	if (!kernel)
		SKIP("kernel bpf() unavailable: userbpf must still refuse every program");
	CHECK(umap >= 0 && urod >= 0, "userbpf maps");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hcase *c = &cases[i];
		int ue = load(ubpf, c, umap, urod, ulog, sizeof(ulog));
		CHECK(ue != 0, "%s: userbpf loaded a hostile program", c->name);
		CHECK(strstr(ulog, c->why) != NULL, "%s: the log names the reason '%s': %s", c->name,
		      c->why, ulog);
		if (!kernel)
			continue;
		int ke = load(kbpf, c, kmap, krod, klog, sizeof(klog));
		CHECK(ke != 0, "%s: the kernel accepts it: not a hostile program", c->name);
		CHECK(ue == ke, "%s: userbpf errno %d (%s), kernel %d (%s)\n  userbpf log: %s\n  kernel log: %s",
		      c->name, ue, strerror(ue), ke, strerror(ke), ulog,
		      klog[0] ? klog : "(UB_SHOW_LOGS=1 to see)");
	}
	return T_DONE();
}
