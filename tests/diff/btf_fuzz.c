// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Randomly corrupted BTF blobs, loaded on the kernel and on userbpf: same result, same log. */
#include "diff.h"
#include "btf_build.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <time.h>

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static char logs[2][1 << 20];
static unsigned n_accepted, n_errno[600];

/* Load @blob on both sides with a log; report a mismatch. Returns true when they agree. */
static bool compare(const uint8_t *blob, uint32_t size, unsigned iter)
{
	long ret[2];
	int err[2];
	uint32_t ts[2];
	for (int s = D_K; s < 2; s++) {
		struct btf_load_attr a = {.btf = (uintptr_t)blob, .btf_size = size,
					  .log_buf = (uintptr_t)logs[s], .log_size = sizeof(logs[s]),
					  .log_level = 1};
		logs[s][0] = 0;
		errno = 0;
		ret[s] = d_bpf(s, BPF_BTF_LOAD, &a, sizeof(a));
		err[s] = errno;
		ts[s] = a.log_true_size;
		if (ret[s] >= 0)
			close((int)ret[s]);
	}
	if (ret[0] >= 0)
		n_accepted++;
	else if (err[0] > 0 && err[0] < 600)
		n_errno[err[0]]++;
	bool ok = (ret[0] >= 0) == (ret[1] >= 0) && (ret[0] >= 0 || err[0] == err[1]) &&
		  ts[0] == ts[1] && !strcmp(logs[0], logs[1]);
	CHECK(ok, "iteration %u (seed %#llx): kernel %ld/%d true %u, userbpf %ld/%d true %u", iter,
	      (unsigned long long)rng, ret[0] < 0 ? -1L : 0L, err[0], ts[0],
	      ret[1] < 0 ? -1L : 0L, err[1], ts[1]);
	if (!ok) {
		size_t i = 0;
		while (logs[0][i] && logs[0][i] == logs[1][i])
			i++;
		size_t from = i > 300 ? i - 300 : 0;
		fprintf(stderr, "--- kernel log from %zu:\n%.600s\n--- userbpf log:\n%.600s\n", from,
			logs[0] + from, logs[1] + from);
	}
	return ok;
}

static struct bb B;

/* DECL_TAG, TYPE_TAG, ENUM64, FLOAT, kind_flag bitfields, FUNC_PROTO varargs. */
static void build_rich(void)
{
	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);                 /* 1 */
	bb_int(&B, "unsigned int", 4, 0, 0, 32);                     /* 2 */
	bb_struct(&B, BTF_KIND_STRUCT, "bits", 1, 3, 8);             /* 3 */
	bb_member(&B, "a", 2, (3u << 24) | 0);
	bb_member(&B, "b", 2, (5u << 24) | 3);
	bb_member(&B, "e", 4, (2u << 24) | 8);
	bb_t(&B, "color", BB_INFO(BTF_KIND_ENUM, 0, 2), 4);          /* 4 */
	bb_enum_val(&B, "RED", 0);
	bb_enum_val(&B, "BLUE", 7);
	bb_t(&B, "big", BB_INFO(BTF_KIND_ENUM64, 1, 1), 8);          /* 5 */
	bb_enum_val(&B, "HUGE", 1);
	bb_u32(&B, 0x80000000u);
	bb_ref(&B, BTF_KIND_TYPE_TAG, "user", 1);                    /* 6 */
	bb_ref(&B, BTF_KIND_PTR, "", 6);                             /* 7 */
	bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 3), 1);         /* 8 */
	bb_param(&B, "p", 7);
	bb_param(&B, "n", 2);
	bb_param(&B, "", 0);
	bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 8); /* 9 */
	bb_decl_tag(&B, "hot", 9, -1);                               /* 10 */
	bb_decl_tag(&B, "arg", 9, 1);                                /* 11 */
	bb_decl_tag(&B, "field", 3, 2);                              /* 12 */
	bb_t(&B, "double", BB_INFO(BTF_KIND_FLOAT, 0, 0), 8);        /* 13 */
	bb_var(&B, "ratio", 13, BTF_VAR_STATIC);                     /* 14 */
	bb_var(&B, "flags", 3, BTF_VAR_GLOBAL_ALLOCATED);            /* 15 */
	bb_t(&B, ".bss", BB_INFO(BTF_KIND_DATASEC, 0, 2), 16);       /* 16 */
	bb_secinfo(&B, 14, 0, 8);
	bb_secinfo(&B, 15, 8, 8);
	bb_array(&B, 3, 2, 4);                                       /* 17 */
	bb_ref(&B, BTF_KIND_TYPEDEF, "bits_t", 17);                  /* 18 */
	bb_ref(&B, BTF_KIND_CONST, "", 18);                          /* 19 */
	bb_ref(&B, BTF_KIND_FWD, "later", 0);                        /* 20 */
	bb_struct(&B, BTF_KIND_UNION, "u", 0, 2, 8);                 /* 21 */
	bb_member(&B, "x", 1, 0);
	bb_member(&B, "p", 7, 0);
	bb_finish(&B);
}

/* @iters mutations of @raw: bytes of types, strings, header fields, the size. */
static void fuzz(const uint8_t *raw, uint32_t size, unsigned iters)
{
	uint8_t *blob = malloc(size + 64);
	const struct btf_header *h = (const void *)raw;
	unsigned bad = 0;
	for (unsigned it = 0; it < iters && bad < 5; it++) {
		uint32_t len = size;
		memcpy(blob, raw, size);
		unsigned n = 1 + rnd() % 4;
		for (unsigned k = 0; k < n; k++) {
			uint32_t pos;
			switch (rnd() % 6) {
			case 0: /* anywhere in the types */
				pos = h->hdr_len + h->type_off + rnd() % h->type_len;
				blob[pos] = (uint8_t)rnd();
				break;
			case 1: /* a small change to a type word */
				pos = (h->hdr_len + h->type_off + rnd() % h->type_len) & ~3u;
				blob[pos] += (uint8_t)(1 + rnd() % 3);
				break;
			case 2: /* the kind or vlen byte of some type header */
				pos = (h->hdr_len + h->type_off + rnd() % h->type_len) & ~3u;
				blob[pos + 3 - (rnd() % 2) * 3] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 3: /* the strings */
				pos = h->hdr_len + h->str_off + rnd() % h->str_len;
				blob[pos] = (uint8_t)"a.-_ \0\x01\xe9"[rnd() % 8];
				break;
			case 4: /* a header word, nudged */
				pos = 8 + 4 * (rnd() % 4);
				blob[pos] += (uint8_t)(rnd() % 9 - 4);
				break;
			default: /* the size the caller passes */
				len = size - rnd() % 8;
				break;
			}
		}
		d.kcases++;
		if (!compare(blob, len, it))
			bad++;
	}
	free(blob);
}

int main(void)
{
	char path[4200];
	const char *b = getenv("UB_BUILD"), *seed = getenv("UB_SEED");
	d_init("btf_fuzz");
	if (!d.kernel) {
		SKIP("random blobs are compared with the kernel only");
		return T_DONE();
	}
	rng = seed ? strtoull(seed, NULL, 0) : (uint64_t)time(NULL) * 2654435761u;
	if (!rng)
		rng = 1;
	fprintf(stderr, "btf_fuzz: seed %#llx (set UB_SEED to repeat)\n", (unsigned long long)rng);

	/* The seed corpus: the BTF of a clang-built object. */
	snprintf(path, sizeof(path), "%s/bpf/btf_obj.bpf.o", b ? b : "build");
	/* After open, libbpf has fixed up section sizes and offsets: the blob it would load. */
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct btf *btf = obj ? bpf_object__btf(obj) : NULL;
	CHECK(btf != NULL, "parse %s", path);
	if (!btf)
		return T_DONE();
	uint32_t size = 0;
	const uint8_t *objraw = btf__raw_data(btf, &size);
	CHECK(compare(objraw, size, 0) && n_accepted == 1, "the unmodified blob loads on both sides");
	fuzz(objraw, size, 1200);
	/* A second corpus with the kinds clang did not emit here. */
	build_rich();
	unsigned before = n_accepted;
	CHECK(compare(B.blob, B.size, 0) && n_accepted == before + 1, "the rich blob loads");
	fuzz(B.blob, B.size, 800);
	/* The mutations must have reached both outcomes and several errors. */
	unsigned kinds = 0;
	for (int e = 0; e < 600; e++)
		if (n_errno[e]) {
			kinds++;
			fprintf(stderr, "btf_fuzz: errno %d x%u\n", e, n_errno[e]);
		}
	fprintf(stderr, "btf_fuzz: %u accepted\n", n_accepted);
	CHECK(n_accepted > 0 && kinds >= 1, "accepted %u, %u kinds of error", n_accepted, kinds);
	bpf_object__close(obj);
	return d_done();
}
