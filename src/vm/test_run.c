// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* BPF_PROG_TEST_RUN: the kernel's test harness for XDP, skb and syscall programs. */
#include "vm/ctx.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif
#define TEST_XDP_MAX_BATCH 256

static u64 now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* Run @prog @repeat times (0 means once) on @ctx; the last r0 and the mean time. */
static int run_repeat(struct ub_prog *prog, struct ub_run *run, void *ctx, u32 repeat,
		      u32 *retval, u32 *duration)
{
	if (prog->attach_err)
		return prog->attach_err;
	/* Verified: the trusted engine, unless USERBPF_VM_CHECKED asks for the checks. */
	run->checked = ub_vm_checked_env();
	for (u32 i = 0; run->checked && i < prog->nr_maps; i++)
		if (run->nregions < UB_MAX_REGIONS)
			run->regions[run->nregions++] = prog->map_regions[i];
	run->prog = prog;
	run->x = prog->x;
	run->threaded = true;
	if (!repeat)
		repeat = 1;
	run->cpu = ub_cpu_acquire();
	u64 t0 = now_ns(), r0 = 0;
	int err = 0;
	u64 args[5] = {(u64)(uintptr_t)ctx, 0, 0, 0, 0};
	for (u32 i = 0; i < repeat && !err; i++)
		err = ub_vm_exec(run, 0, args, &r0);
	u64 t = (now_ns() - t0) / repeat;
	ub_cpu_release(run->cpu);
	*retval = (u32)r0;
	*duration = t > UINT32_MAX ? UINT32_MAX : (u32)t;
	if (err)
		ub_log("program %u: refused memory access at insn %u", prog->obj.id, run->fault_pc);
	return err;
}

/*
 * bpf_ctx_init: the caller's context, at most @max bytes (bytes past it
 * must be zero), or NULL when neither ctx_in nor ctx_out is given.
 */
static int ctx_in(const union ub_attr *a, void *buf, u32 max, bool *have)
{
	*have = a->test.ctx_in || a->test.ctx_out;
	memset(buf, 0, max);
	if (!a->test.ctx_in)
		return 0;
	u32 size = a->test.ctx_size_in;
	/* bpf_check_uarg_tail_zero on the context. */
	if (size > UB_PAGE_SIZE)
		return -E2BIG;
	if (size > max && !mem_is_zero(u64_to_ptr(a->test.ctx_in), max, size))
		return -E2BIG;
	memcpy(buf, u64_to_ptr(a->test.ctx_in), size < max ? size : max);
	return 0;
}

/* bpf_test_finish: data out (clamped to a non-zero data_size_out), sizes, retval, time. */
static int test_finish(const union ub_attr *a, void *uattr, const void *data, u32 size,
		       u32 retval, u32 duration)
{
	int err = 0;
	u32 copy = size;
	if (a->test.data_size_out && copy > a->test.data_size_out) {
		copy = a->test.data_size_out;
		err = -ENOSPC;
	}
	if (a->test.data_out)
		memcpy(u64_to_ptr(a->test.data_out), data, copy);
	ub_put_attr_u32(uattr, offsetof(union ub_attr, test.data_size_out), size);
	ub_put_attr_u32(uattr, offsetof(union ub_attr, test.retval), retval);
	ub_put_attr_u32(uattr, offsetof(union ub_attr, test.duration), duration);
	return err;
}

/* bpf_ctx_finish: the context back, clamped to ctx_size_out (ENOSPC). */
static int ctx_finish(const union ub_attr *a, void *uattr, const void *ctx, u32 size, bool have)
{
	if (!have || !a->test.ctx_out)
		return 0;
	u32 copy = size;
	int err = 0;
	if (copy > a->test.ctx_size_out) {
		copy = a->test.ctx_size_out;
		err = -ENOSPC;
	}
	memcpy(u64_to_ptr(a->test.ctx_out), ctx, copy);
	ub_put_attr_u32(uattr, offsetof(union ub_attr, test.ctx_size_out), size);
	return err;
}

/* The receive queue a test names: its device must exist and have that many queues. */
static int xdp_rxq_check(const struct xdp_md *md)
{
	char name[IF_NAMESIZE], path[64 + IF_NAMESIZE];
	if (md->egress_ifindex)
		return -EINVAL;
	if (!md->ingress_ifindex)
		return md->rx_queue_index ? -EINVAL : 0;
	if (!if_indextoname(md->ingress_ifindex, name))
		return -ENODEV;
	/* real_num_rx_queues: the device's rx-N entries in sysfs. */
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-%u", name, md->rx_queue_index);
	return access(path, F_OK) ? -EINVAL : 0;
}

static int test_run_xdp(struct ub_prog *prog, union ub_attr *a, void *uattr)
{
	bool live = a->test.flags & BPF_F_TEST_XDP_LIVE_FRAMES, have;
	struct ub_pkt_ctx pc;
	struct xdp_md md;
	u32 headroom = UB_XDP_HEADROOM, size = a->test.data_size_in;
	int err;

	/* Only the live-frames flag exists. */
	if (a->test.flags & ~BPF_F_TEST_XDP_LIVE_FRAMES)
		return -EINVAL;
	/* Programs for devmap/cpumap entries run only there. */
	if (prog->h->expected_attach_type == BPF_XDP_DEVMAP ||
	    prog->h->expected_attach_type == BPF_XDP_CPUMAP)
		return -EINVAL;
	if (live) {
		/* Live frames need a device to transmit on: none here. */
		if (a->test.batch_size > TEST_XDP_MAX_BATCH)
			return -E2BIG;
		return -EINVAL;
	}
	/* A batch size means nothing without live frames. */
	if (a->test.batch_size)
		return -EINVAL;
	err = ctx_in(a, &md, sizeof(md), &have);
	if (err)
		return err;
	u32 linear = size;
	if (have) {
		/* No user data before the meta data; data_end within the data; meta as adjust_meta. */
		if (md.data_meta || md.data_end > size || md.data > md.data_end ||
		    (md.data & 3) || md.data > 32)
			return -EINVAL;
		headroom -= md.data;
		/* data_end is where the linear part ends; the rest goes to fragments. */
		linear = md.data_end;
	}
	u32 max = UB_FRAME_SIZE - headroom - UB_TAILROOM;
	/* bpf_test_init: at least an Ethernet header after the meta data, then the copy. */
	if (size < UB_ETH_HLEN || (have && size - md.data < UB_ETH_HLEN))
		return -EINVAL;
	if (!a->test.data_in)
		return -EFAULT;
	/* xdp_convert_md_to_buff, after the copy: only receive-side fields, an existing queue. */
	if (have && (err = xdp_rxq_check(&md)))
		return err;
	if (linear > max)
		linear = max;
	/* What does not fit the page is fragments: at most MAX_SKB_FRAGS (17) pages. */
	if (size - linear > 17 * UB_FRAME_SIZE)
		return -ENOMEM;
	pc.frame = ub_frame_get();
	if (!pc.frame)
		return -ENOMEM;
	memset(pc.frame, 0, UB_FRAME_SIZE);
	memcpy(pc.frame + headroom, u64_to_ptr(a->test.data_in), linear);
	pc.data_meta = pc.frame + headroom;
	pc.data = pc.data_meta + (have ? md.data : 0);
	pc.data_end = pc.data_meta + linear;
	memset(&pc.md, 0, sizeof(pc.md));
	pc.md.xdp.ingress_ifindex = have ? md.ingress_ifindex : 0;
	pc.md.xdp.rx_queue_index = have ? md.rx_queue_index : 0;
	/* The fragments are not visible to the program (no xdp_load_bytes here): they pass through. */
	const u8 *frags = (const u8 *)u64_to_ptr(a->test.data_in) + linear;
	u32 frags_len = size - linear;

	struct ub_run run = {0};
	ub_pkt_regions(&run, &pc, BPF_PROG_TYPE_XDP);
	u32 retval, duration;
	err = run_repeat(prog, &run, &pc.md.xdp, a->test.repeat, &retval, &duration);
	if (err)
		return err;
	u32 lin_out = (u32)(pc.data_end - pc.data_meta);
	u8 *outbuf = pc.data_meta;
	if (frags_len) {
		outbuf = malloc((size_t)lin_out + frags_len);
		if (!outbuf)
			return -ENOMEM;
		memcpy(outbuf, pc.data_meta, lin_out);
		memcpy(outbuf + lin_out, frags, frags_len);
	}
	err = test_finish(a, uattr, outbuf, lin_out + frags_len, retval, duration);
	if (frags_len)
		free(outbuf);
	if (err)
		return err;
	md.data = (u32)(pc.data - pc.data_meta);
	md.data_meta = 0;
	md.data_end = (u32)(pc.data_end - pc.data_meta);
	return ctx_finish(a, uattr, &md, sizeof(md), have);
}

/* __sk_buff fields a test may set (convert___skb_to_skb): all others must be zero. */
static int skb_ctx_check(const struct __sk_buff *s)
{
	struct __sk_buff z;
	memcpy(&z, s, sizeof(z));
	z.mark = 0;
	z.priority = 0;
	z.ingress_ifindex = 0;
	z.ifindex = 0;
	memset(z.cb, 0, sizeof(z.cb));
	z.tstamp = 0;
	z.wire_len = 0;
	z.gso_segs = 0;
	z.gso_size = 0;
	z.hwtstamp = 0;
	return mem_is_zero(&z, 0, sizeof(z)) ? 0 : -EINVAL;
}

#ifndef BPF_F_TEST_SKB_CHECKSUM_COMPLETE
#define BPF_F_TEST_SKB_CHECKSUM_COMPLETE (1U << 2)
#endif
#define GSO_LEGACY_MAX_SIZE 65536u
#define GSO_MAX_SEGS 65535u

/* The folded one's complement sum of @n bytes (skb_checksum + csum_fold). */
static u16 csum_fold_bytes(const u8 *p, u32 n)
{
	u64 sum = 0;
	for (u32 i = 0; i + 1 < n; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (u32)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* A device attribute in sysfs holding a MAC address (address, broadcast); zeros if none. */
static void dev_mac(u32 ifindex, const char *attr, u8 mac[6])
{
	char name[IF_NAMESIZE], path[64 + IF_NAMESIZE];
	unsigned b[6];
	memset(mac, 0, 6);
	if (!if_indextoname(ifindex, name))
		return;
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	if (fscanf(f, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6)
		for (int i = 0; i < 6; i++)
			mac[i] = (u8)b[i];
	fclose(f);
}

/*
 * eth_type_trans: pkt_type from the destination against the device's
 * addresses (loopback's broadcast address is all zeros, so ff:ff:... is
 * multicast there), the protocol from the ethertype, or for 802.3 length
 * fields ETH_P_802_3 (raw IPX, payload starting 0xffff) or ETH_P_802_2.
 */
static void eth_trans(struct __sk_buff *s, const u8 *mac, u32 ifindex)
{
	u8 own[6], bcast[6];
	dev_mac(ifindex, "address", own);
	dev_mac(ifindex, "broadcast", bcast);
	if (mac[0] & 1)
		s->pkt_type = memcmp(mac, bcast, 6) ? 2 /* MULTICAST */ : 1 /* BROADCAST */;
	else
		s->pkt_type = memcmp(mac, own, 6) ? 3 /* OTHERHOST */ : 0 /* HOST */;
	u16 proto = (u16)(mac[12] << 8 | mac[13]);
	if (proto < 0x600) /* ETH_P_802_3_MIN */
		proto = mac[14] == 0xff && mac[15] == 0xff ? 0x0001 : 0x0004;
	s->protocol = htons(proto);
}

static int test_run_skb(struct ub_prog *prog, union ub_attr *a, void *uattr)
{
	u32 type = prog->h->prog_type, size = a->test.data_size_in;
	bool l2 = type == BPF_PROG_TYPE_SCHED_CLS || type == BPF_PROG_TYPE_SCHED_ACT, have;
	bool csum = a->test.flags & BPF_F_TEST_SKB_CHECKSUM_COMPLETE;
	struct __sk_buff sk;
	struct ub_pkt_ctx pc;
	int err;

	/* Only the checksum flag; no CPU or batches for skb programs. */
	if ((a->test.flags & ~BPF_F_TEST_SKB_CHECKSUM_COMPLETE) || a->test.cpu ||
	    a->test.batch_size)
		return -EINVAL;
	/* bpf_test_init: an Ethernet header at least, at most a page minus pad and shinfo. */
	if (size < UB_ETH_HLEN || size > UB_FRAME_SIZE - UB_SKB_HEADROOM - 2 - UB_TAILROOM)
		return -EINVAL;
	if (!a->test.data_in)
		return -EFAULT;
	err = ctx_in(a, &sk, sizeof(sk), &have);
	if (err)
		return err;
	if (have && sk.ifindex > 1) {
		char name[IF_NAMESIZE];
		if (!if_indextoname(sk.ifindex, name))
			return -ENODEV;
	}
	pc.frame = ub_frame_get();
	if (!pc.frame)
		return -ENOMEM;
	memset(pc.frame, 0, UB_FRAME_SIZE);
	u8 *mac = pc.frame + UB_SKB_HEADROOM + 2;
	memcpy(mac, u64_to_ptr(a->test.data_in), size);
	memset(&pc.md, 0, sizeof(pc.md));
	struct __sk_buff *s = &pc.md.skb;
	s->ifindex = have && sk.ifindex > 1 ? sk.ifindex : 1;
	eth_trans(s, mac, s->ifindex);
	/* Filling the fake socket's addresses needs the whole network header. */
	if ((s->protocol == (u32)htons(0x0800) && size - UB_ETH_HLEN < 20) ||
	    (s->protocol == (u32)htons(0x86dd) && size - UB_ETH_HLEN < 40))
		return -EINVAL;
	/* eth_type_trans: the network header follows the MAC header. */
	pc.data = l2 ? mac : mac + UB_ETH_HLEN;
	pc.data_meta = pc.data;
	pc.data_end = mac + size;
	u32 len = (u32)(pc.data_end - pc.data);
	/* convert___skb_to_skb, with a context only: settable fields, wire_len and gso_segs. */
	if (have) {
		if ((err = skb_ctx_check(&sk)))
			return err;
		if (sk.wire_len && (sk.wire_len < len || sk.wire_len > GSO_LEGACY_MAX_SIZE))
			return -EINVAL;
		if (sk.gso_segs > GSO_MAX_SEGS)
			return -EINVAL;
		s->mark = sk.mark;
		s->priority = sk.priority;
		s->ingress_ifindex = sk.ingress_ifindex;
		memcpy(s->cb, sk.cb, sizeof(s->cb));
		s->tstamp = sk.tstamp;
		s->wire_len = sk.wire_len ? sk.wire_len : len;
		s->gso_segs = sk.gso_segs;
		s->gso_size = sk.gso_size;
		s->hwtstamp = sk.hwtstamp;
	}
	/* CHECKSUM_COMPLETE: the sum of what follows the network header, before and after. */
	u8 *net = mac + UB_ETH_HLEN;
	u16 sum = csum ? csum_fold_bytes(net, (u32)(pc.data_end - net)) : 0;

	struct ub_run run = {0};
	ub_pkt_regions(&run, &pc, type);
	u32 retval, duration;
	err = run_repeat(prog, &run, s, a->test.repeat, &retval, &duration);
	if (err)
		return err;
	/* A socket filter's output has its (zeroed) Ethernet header pushed back. */
	u8 *out = pc.data;
	if (!l2) {
		out = pc.data - UB_ETH_HLEN;
		memset(out, 0, UB_ETH_HLEN);
	}
	/* Direct packet writes do not update skb->csum: a changed sum is a bad message. */
	if (csum && csum_fold_bytes(net, (u32)(pc.data_end - net)) != sum)
		return -EBADMSG;
	err = test_finish(a, uattr, out, (u32)(pc.data_end - out), retval, duration);
	if (err)
		return err;
	/* convert_skb_to___skb: what a test can read back. */
	memset(&sk, 0, sizeof(sk));
	sk.mark = s->mark;
	sk.priority = s->priority;
	sk.ingress_ifindex = s->ingress_ifindex;
	sk.ifindex = s->ifindex;
	memcpy(sk.cb, s->cb, sizeof(sk.cb));
	sk.tstamp = s->tstamp;
	sk.wire_len = s->wire_len;
	sk.gso_segs = s->gso_segs;
	sk.gso_size = s->gso_size;
	sk.hwtstamp = s->hwtstamp;
	return ctx_finish(a, uattr, &sk, sizeof(sk), have);
}

static int test_run_syscall(struct ub_prog *prog, union ub_attr *a, void *uattr)
{
	u32 size = a->test.ctx_size_in;
	/* Only ctx_in: no data, ctx_out, duration, repeat, flags or batches. */
	if (a->test.data_in || a->test.data_out || a->test.ctx_out || a->test.duration ||
	    a->test.repeat || a->test.flags || a->test.batch_size)
		return -EINVAL;
	/* The context must hold every byte the verifier let the program touch. */
	if (size > 0xffff || size < prog->h->max_ctx_off)
		return -EINVAL;
	u8 *ctx = NULL;
	if (size) {
		ctx = malloc(size);
		if (!ctx)
			return -ENOMEM;
		memcpy(ctx, u64_to_ptr(a->test.ctx_in), size);
	}
	struct ub_run run = {0};
	if (ctx)
		ub_run_add_region(&run, ctx, size, true);
	u32 retval, duration;
	int err = run_repeat(prog, &run, ctx, 1, &retval, &duration);
	if (!err) {
		ub_put_attr_u32(uattr, offsetof(union ub_attr, test.retval), retval);
		/* The context goes back where it came from. */
		if (size)
			memcpy(u64_to_ptr(a->test.ctx_in), ctx, size);
	}
	free(ctx);
	return err;
}

long ub_sys_prog_test_run(union ub_attr *attr, void *uattr)
{
	/* A context size and pointer come together, in and out. */
	if (!!attr->test.ctx_size_in != !!attr->test.ctx_in ||
	    !!attr->test.ctx_size_out != !!attr->test.ctx_out)
		return -EINVAL;
	u32 mode;
	int err;
	struct ub_obj *obj = ub_obj_from_fd((int)attr->test.prog_fd, UB_OBJ_PROG, &mode, &err);
	if (!obj)
		return err;
	struct ub_prog *prog = obj_to_prog(obj);
	switch (prog->h->prog_type) {
	case BPF_PROG_TYPE_XDP:
		return test_run_xdp(prog, attr, uattr);
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return test_run_skb(prog, attr, uattr);
	case BPF_PROG_TYPE_SYSCALL:
		return test_run_syscall(prog, attr, uattr);
	}
	/* The type has no test_run (ENOTSUPP, 524, as the kernel). */
	return -ENOTSUPP;
}
