// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Seeded random programs made of diamonds (if/else that meet again) that set
 * offsets, mask them, spill and fill them, and bounds-check the packet, then
 * use them: a map value read at a variable offset, a packet read, a stack
 * write at a variable offset. Whether a program is safe depends on every
 * path, so state pruning (a path cut short because a verified one covers it)
 * is what is tested: a model enumerates every path and gives the verdict;
 * userbpf must load exactly the safe programs, and the kernel, where bpf()
 * works, must agree with both (and refuse with the same errno). The seed is
 * printed; UB_SEED replays one.
 */
#include "t.h"
#include "sides.h"
#include "insns.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>


#define VALUE_SIZE 32
#define MAP_INSN 6
#define MAX_DIAMONDS 6
#define MAX_ACTIONS 3


/* What the model knows of a scalar: its range (constants have lo == hi). */
struct val {
	unsigned long long lo, hi;
};

struct path {
	struct val r4, r5, slot;
	unsigned pkt; /* bytes of packet proven there */
};

/* One action of a diamond's side: its code and what it does to a path. */
struct action {
	int kind, arg;
};

enum { A_R4_CONST, A_R5_CONST, A_R4_MASK, A_R4_UNKNOWN, A_SPILL, A_FILL, A_PKT_CHECK,
       A_R5_MASK, A_R5_UNKNOWN, A_KINDS };
enum { U_VALUE, U_PACKET, U_STACK, U_KINDS };

static const int r4_consts[] = {0, 4, 8, 16, 24, 31, 32, 40};
static const int r5_consts[] = {0, 8, 32, 60, 63, 64, 100};
static const int masks[] = {7, 15, 31, 63, 127};
static const int pkt_lens[] = {8, 16, 24, 32};

struct prog {
	int ndiamonds;
	int bit[MAX_DIAMONDS];
	int nact[MAX_DIAMONDS][2];
	struct action act[MAX_DIAMONDS][2][MAX_ACTIONS];
	int nuse;
	struct action use[2];
};

static struct val mask(struct val v, unsigned long long m)
{
	if (v.lo == v.hi)
		return (struct val){v.lo & m, v.lo & m};
	return (struct val){0, v.hi < m ? v.hi : m};
}

static void apply(struct path *p, const struct action *a)
{
	const struct val unknown = {0, 0xffffffffull};
	switch (a->kind) {
	case A_R4_CONST: p->r4 = (struct val){(unsigned)a->arg, (unsigned)a->arg}; break;
	case A_R5_CONST: p->r5 = (struct val){(unsigned)a->arg, (unsigned)a->arg}; break;
	case A_R4_MASK: p->r4 = mask(p->r4, (unsigned)a->arg); break;
	case A_R5_MASK: p->r5 = mask(p->r5, (unsigned)a->arg); break;
	case A_R4_UNKNOWN: p->r4 = unknown; break;
	case A_R5_UNKNOWN: p->r5 = unknown; break;
	case A_SPILL: p->slot = p->r4; break;
	case A_FILL: p->r4 = p->slot; break;
	case A_PKT_CHECK: if ((unsigned)a->arg > p->pkt) p->pkt = (unsigned)a->arg; break;
	}
}

static bool use_safe(const struct path *p, const struct action *u)
{
	switch (u->kind) {
	case U_VALUE: return p->r4.hi + 1 <= VALUE_SIZE;
	case U_PACKET: return p->pkt >= (unsigned)u->arg + 8;
	default: return p->r5.hi <= 63;
	}
}

/* The model's verdict: safe when every one of the 2^n paths is. */
static bool model_safe(const struct prog *g)
{
	for (unsigned mask_ = 0; mask_ < (1u << g->ndiamonds); mask_++) {
		struct path p = {{0, 0}, {0, 0}, {0, 0}, 0};
		for (int d = 0; d < g->ndiamonds; d++) {
			int side = (mask_ >> d) & 1;
			for (int k = 0; k < g->nact[d][side]; k++)
				apply(&p, &g->act[d][side][k]);
		}
		for (int u = 0; u < g->nuse; u++)
			if (!use_safe(&p, &g->use[u]))
				return false;
	}
	return true;
}

static void random_prog(struct prog *g)
{
	memset(g, 0, sizeof(*g));
	g->ndiamonds = 1 + (int)rnd(MAX_DIAMONDS);
	for (int d = 0; d < g->ndiamonds; d++) {
		g->bit[d] = (int)rnd(8);
		for (int s = 0; s < 2; s++) {
			g->nact[d][s] = (int)rnd(MAX_ACTIONS + 1);
			for (int k = 0; k < g->nact[d][s]; k++) {
				struct action *a = &g->act[d][s][k];
				a->kind = (int)rnd(A_KINDS);
				switch (a->kind) {
				case A_R4_CONST: a->arg = r4_consts[rnd(8)]; break;
				case A_R5_CONST: a->arg = r5_consts[rnd(7)]; break;
				case A_R4_MASK: a->arg = masks[rnd(4)]; break;
				case A_R5_MASK: a->arg = masks[1 + rnd(4)]; break;
				case A_PKT_CHECK: a->arg = pkt_lens[rnd(4)]; break;
				}
			}
		}
	}
	g->nuse = 1 + (int)rnd(2);
	for (int u = 0; u < g->nuse; u++) {
		g->use[u].kind = (int)rnd(U_KINDS);
		g->use[u].arg = 8 * (int)rnd(4);
	}
}

/* r6 = ctx, r7 = map value, r8 = data, r9 = data_end; r4, r5 offsets; fp-16 a spill slot. */
static int emit_action(struct bpf_insn *p, int n, const struct action *a, int *drop, int *ndrop)
{
	switch (a->kind) {
	case A_R4_CONST: p[n++] = MOV(4, a->arg); break;
	case A_R5_CONST: p[n++] = MOV(5, a->arg); break;
	case A_R4_MASK: p[n++] = AND(4, a->arg); break;
	case A_R5_MASK: p[n++] = AND(5, a->arg); break;
	case A_R4_UNKNOWN: p[n++] = LDX(BPF_W, 4, 6, 12); break; /* ingress_ifindex */
	case A_R5_UNKNOWN: p[n++] = LDX(BPF_W, 5, 6, 12); break;
	case A_SPILL: p[n++] = STX(BPF_DW, 10, 4, -16); break;
	case A_FILL: p[n++] = LDX(BPF_DW, 4, 10, -16); break;
	case A_PKT_CHECK:
		p[n++] = MOVX(3, 8);
		p[n++] = ADD(3, a->arg);
		drop[(*ndrop)++] = n;
		p[n++] = INSN(BPF_JMP | BPF_JGT | BPF_X, 3, 9, 0, 0);
		break;
	}
	return n;
}

static int emit(const struct prog *g, struct bpf_insn *p)
{
	int n = 0, drop[256], ndrop = 0;
	p[n++] = MOVX(6, 1);
	p[n++] = LDX(BPF_W, 8, 6, 0);
	p[n++] = LDX(BPF_W, 9, 6, 4);
	p[n++] = ST(BPF_W, 10, -4, 0);
	p[n++] = MOVX(2, 10);
	p[n++] = ADD(2, -4);
	p[n++] = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 0); /* MAP_INSN */
	p[n++] = INSN(0, 0, 0, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	drop[ndrop++] = n;
	p[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0, 0);
	p[n++] = MOVX(7, 0);
	p[n++] = MOV(4, 0);
	p[n++] = MOV(5, 0);
	p[n++] = STX(BPF_DW, 10, 4, -16);
	for (int d = 0; d < g->ndiamonds; d++) {
		/* if (rx_queue_index & bit) goto else; then-side; goto end; else-side; end: */
		p[n++] = LDX(BPF_W, 0, 6, 16);
		int jset = n++;
		for (int k = 0; k < g->nact[d][0]; k++)
			n = emit_action(p, n, &g->act[d][0][k], drop, &ndrop);
		int ja = n++;
		int els = n;
		for (int k = 0; k < g->nact[d][1]; k++)
			n = emit_action(p, n, &g->act[d][1][k], drop, &ndrop);
		p[jset] = INSN(BPF_JMP | BPF_JSET | BPF_K, 0, 0, (short)(els - jset - 1), 1 << g->bit[d]);
		p[ja] = JA((short)(n - ja - 1));
	}
	for (int u = 0; u < g->nuse; u++) {
		const struct action *a = &g->use[u];
		if (a->kind == U_VALUE) {
			p[n++] = MOVX(1, 7);
			p[n++] = ADDX(1, 4);
			p[n++] = LDX(BPF_B, 0, 1, 0);
		} else if (a->kind == U_PACKET) {
			p[n++] = LDX(BPF_DW, 0, 8, (short)a->arg);
		} else {
			p[n++] = MOVX(1, 10);
			p[n++] = ADD(1, -64);
			p[n++] = ADDX(1, 5);
			p[n++] = ST(BPF_B, 1, 0, 1);
		}
	}
	p[n++] = MOV(0, XDP_PASS);
	p[n++] = EXIT();
	for (int k = 0; k < ndrop; k++)
		p[drop[k]].off = (short)(n - drop[k] - 1);
	p[n++] = MOV(0, XDP_DROP);
	p[n++] = EXIT();
	return n;
}


/* 0 when loaded, else the errno. */
static int load(bpf_fn f, int map, struct bpf_insn *p, int n)
{
	p[MAP_INSN].imm = map;
	int fd = sides_prog_load(f, BPF_PROG_TYPE_XDP, 0, p, (unsigned)n, NULL, 0);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int mkmap(bpf_fn f)
{
	return sides_map(f, BPF_MAP_TYPE_ARRAY, VALUE_SIZE, 1, 0);
}

int main(void)
{
	const char *s = getenv("UB_SEED");
	unsigned long long seed = s ? strtoull(s, NULL, 0) : (unsigned long long)time(NULL);
	printf("seed %llu (UB_SEED=%llu replays)\n", seed, seed);
	rng = seed * 2654435761ull + 1;
	int um = mkmap(ubpf), km = mkmap(kbpf);
	CHECK(um >= 0, "userbpf map: %s", strerror(errno));
	if (km < 0)
		SKIP("kernel bpf() unavailable: userbpf against the model only");
	int kran = 0, safe = 0;
	for (int i = 0; i < 400; i++) {
		struct prog g;
		struct bpf_insn p[256];
		random_prog(&g);
		int n = emit(&g, p);
		bool want = model_safe(&g);
		safe += want;
		int ue = load(ubpf, um, p, n);
		CHECK((ue == 0) == want, "seed %llu prog %d: userbpf %s (errno %d), the model says %s",
		      seed, i, ue ? "refused" : "loaded", ue, want ? "safe" : "unsafe");
		if (km < 0)
			continue;
		int ke = load(kbpf, km, p, n);
		kran++;
		CHECK((ke == 0) == want, "seed %llu prog %d: kernel %s (errno %d), the model says %s",
		      seed, i, ke ? "refused" : "loaded", ke, want ? "safe" : "unsafe");
		CHECK(ue == ke, "seed %llu prog %d: userbpf errno %d, kernel %d", seed, i, ue, ke);
	}
	printf("%d of 400 programs safe\n", safe);
	CHECK(safe > 40 && safe < 360, "both verdicts are exercised (%d safe)", safe);
	if (km >= 0)
		CHECK(kran > 0, "the kernel half ran (%d)", kran);
	return T_DONE();
}
