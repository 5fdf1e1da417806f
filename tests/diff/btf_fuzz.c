// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Randomly corrupted BTF blobs, loaded on the kernel and on userbpf: same result, same log. */
#include "diff.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <time.h>

struct btf_load_attr {
	uint64_t btf;
	uint64_t log_buf;
	uint32_t btf_size;
	uint32_t log_size;
	uint32_t log_level;
	uint32_t log_true_size;
	uint32_t btf_flags;
	int32_t token_fd;
};

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
	const uint8_t *raw = btf__raw_data(btf, &size);
	uint8_t *blob = malloc(size);
	CHECK(compare(raw, size, 0) && n_accepted == 1, "the unmodified blob loads on both sides");
	unsigned bad = 0, iters = 1500;
	const struct btf_header *h = (const void *)raw;

	for (unsigned it = 0; it < iters && bad < 5; it++) {
		memcpy(blob, raw, size);
		unsigned n = 1 + rnd() % 4;
		for (unsigned k = 0; k < n; k++) {
			uint32_t pos;
			switch (rnd() % 4) {
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
			default: /* the strings */
				pos = h->hdr_len + h->str_off + rnd() % h->str_len;
				blob[pos] = (uint8_t)"a.-_ \0\x01\xe9"[rnd() % 8];
				break;
			}
		}
		d.kcases++;
		if (!compare(blob, size, it))
			bad++;
	}
	/* The mutations must have reached both outcomes and several errors. */
	unsigned kinds = 0;
	for (int e = 0; e < 600; e++)
		if (n_errno[e]) {
			kinds++;
			fprintf(stderr, "btf_fuzz: errno %d x%u\n", e, n_errno[e]);
		}
	fprintf(stderr, "btf_fuzz: %u accepted\n", n_accepted);
	CHECK(n_accepted > 0 && kinds >= 1, "accepted %u, %u kinds of error", n_accepted, kinds);
	free(blob);
	bpf_object__close(obj);
	return d_done();
}
