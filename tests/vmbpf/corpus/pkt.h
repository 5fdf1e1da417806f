/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Seeded packets for the corpus: Ethernet with 0-2 VLAN tags, IPv4 (with
 * options, fragments, bad header lengths) or IPv6 (with extension header
 * chains), TCP/UDP/ICMP, ARP, unknown ethertypes, and truncated frames, so
 * that parsers take every path. Deterministic: the same seed and index give
 * the same bytes on every machine.
 */
#ifndef CORPUS_PKT_H
#define CORPUS_PKT_H

#include <stdint.h>
#include <string.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	/* splitmix64 */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void fill_random(struct rng *r, uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng_next(r);
}

/* Ports the corpus programs treat specially (blocklists, services) and some random ones. */
static inline uint32_t pick_port(struct rng *r)
{
	static const uint16_t common[] = {22, 53, 80, 123, 443, 8080, 0, 65535};
	switch (rng_below(r, 3)) {
	case 0:
		return common[rng_below(r, 8)];
	case 1:
		return rng_below(r, 256);
	default:
		return (uint32_t)(rng_next(r) & 0xffff);
	}
}

static inline uint16_t ip_csum(const uint8_t *p, uint32_t n)
{
	uint32_t sum = 0;
	for (uint32_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An L4 header and payload at @p (room for @room bytes); returns its length. */
static inline uint32_t gen_l4(struct rng *r, uint8_t *p, uint32_t proto, uint32_t room)
{
	uint32_t n = 0;
	if (proto == 6 && room >= 20) {
		put16(p, pick_port(r));
		put16(p + 2, pick_port(r));
		fill_random(r, p + 4, 8); /* seq, ack */
		uint32_t doff = 5 + (rng_below(r, 4) == 0 ? rng_below(r, 11) : 0);
		p[12] = (uint8_t)(doff << 4);
		p[13] = (uint8_t)rng_next(r); /* flags */
		fill_random(r, p + 14, 6);
		n = 20;
	} else if (proto == 17 && room >= 8) {
		put16(p, pick_port(r));
		put16(p + 2, pick_port(r));
		fill_random(r, p + 4, 4);
		n = 8;
	} else if ((proto == 1 || proto == 58) && room >= 8) {
		p[0] = (uint8_t)(rng_below(r, 2) ? 8 : rng_below(r, 256));
		fill_random(r, p + 1, 7);
		n = 8;
	}
	uint32_t pay = rng_below(r, 4) == 0 ? rng_below(r, 200) : rng_below(r, 40);
	if (n + pay > room)
		pay = room - n;
	fill_random(r, p + n, pay);
	if (proto == 17 && n == 8)
		put16(p + 4, n + pay);
	return n + pay;
}

static inline uint32_t pick_proto(struct rng *r)
{
	static const uint8_t protos[] = {6, 6, 6, 17, 17, 17, 1, 47, 132, 0};
	uint32_t p = protos[rng_below(r, 10)];
	return p ? p : rng_below(r, 256);
}

static inline uint32_t gen_ipv4(struct rng *r, uint8_t *p, uint32_t room)
{
	uint32_t ihl = 5;
	if (rng_below(r, 4) == 0)
		ihl = 6 + rng_below(r, 10); /* options */
	else if (rng_below(r, 20) == 0)
		ihl = rng_below(r, 5); /* broken */
	uint32_t hlen = (ihl < 5 ? 5 : ihl) * 4;
	memset(p, 0, hlen);
	p[0] = (uint8_t)(0x40 | ihl);
	if (rng_below(r, 30) == 0)
		p[0] = (uint8_t)rng_next(r); /* not even version 4 */
	p[1] = (uint8_t)rng_next(r); /* tos */
	put16(p + 4, (uint32_t)rng_next(r)); /* id */
	if (rng_below(r, 6) == 0)
		put16(p + 6, (uint32_t)rng_next(r) & 0x3fff); /* MF, offset */
	else if (rng_below(r, 2))
		put16(p + 6, 0x4000); /* DF */
	static const uint8_t ttls[] = {64, 1, 0, 255, 128};
	p[8] = ttls[rng_below(r, 5)];
	uint32_t proto = pick_proto(r);
	p[9] = (uint8_t)proto;
	fill_random(r, p + 12, 8);
	if (rng_below(r, 3) == 0) {
		p[12] = 10; /* 10.0.0.0/8 */
		p[16] = 192, p[17] = 168;
	}
	/* Options: NOP, EOL, record route, timestamp, router alert, junk. */
	for (uint32_t o = 20; o < hlen;) {
		uint32_t left = hlen - o, kind = rng_below(r, 7);
		if (kind == 0 || left == 1) {
			p[o++] = 1; /* NOP */
		} else if (kind == 1) {
			p[o++] = 0; /* EOL: the rest stays zero */
			break;
		} else {
			static const uint8_t types[] = {7, 68, 148, 130, 0x99};
			uint32_t len = 2 + rng_below(r, left - 1);
			if (rng_below(r, 10) == 0)
				len = rng_below(r, 3); /* a broken length */
			p[o] = types[rng_below(r, 5)];
			p[o + 1] = (uint8_t)len;
			if (len < 2 || len > left)
				break;
			fill_random(r, p + o + 2, len - 2);
			o += len;
		}
	}
	uint32_t n = hlen + gen_l4(r, p + hlen, proto, room - hlen);
	put16(p + 2, rng_below(r, 10) == 0 ? (uint32_t)rng_next(r) & 0xffff : n);
	put16(p + 10, ip_csum(p, hlen));
	if (rng_below(r, 10) == 0)
		p[10] ^= 0x55; /* a bad checksum */
	return n;
}

static inline uint32_t gen_ipv6(struct rng *r, uint8_t *p, uint32_t room)
{
	memset(p, 0, 40);
	p[0] = 0x60 | (uint8_t)rng_below(r, 16);
	fill_random(r, p + 1, 3);
	p[7] = (uint8_t)(rng_below(r, 3) ? 64 : rng_below(r, 3));
	fill_random(r, p + 8, 32);
	if (rng_below(r, 3) == 0)
		p[8] = 0xfe, p[9] = 0x80; /* link-local source */
	uint32_t n = 40;
	uint8_t *nh = p + 6;
	/* Extension headers: hop-by-hop, routing, fragment, destination options, AH, junk. */
	uint32_t next = rng_below(r, 3) == 0 ? rng_below(r, 7) : 0;
	for (uint32_t i = 0; i < next && n + 16 <= room; i++) {
		static const uint8_t ext[] = {0, 43, 44, 60, 51, 60, 135};
		uint32_t t = ext[rng_below(r, 7)];
		*nh = (uint8_t)t;
		uint8_t *h = p + n;
		uint32_t len;
		if (t == 44) {
			len = 8;
		} else if (t == 51) {
			len = (rng_below(r, 3) + 2) * 4;
			h[1] = (uint8_t)(len / 4 - 2);
		} else {
			len = (rng_below(r, 3) + 1) * 8;
			h[1] = (uint8_t)(len / 8 - 1);
		}
		if (n + len + 8 > room)
			break;
		fill_random(r, h + 2, len - 2);
		nh = h;
		n += len;
	}
	uint32_t proto = pick_proto(r);
	if (proto == 1)
		proto = 58;
	*nh = (uint8_t)(rng_below(r, 12) == 0 ? 59 : proto);
	n += gen_l4(r, p + n, proto, room - n);
	put16(p + 4, n - 40);
	return n;
}

/* One frame of at most @max bytes (at least 14) into @p; returns its length. */
static inline uint32_t gen_packet(struct rng *r, uint8_t *p, uint32_t max)
{
	static const uint8_t mine[6] = {0x02, 0, 0, 0, 0, 1};
	uint32_t room = max - 64, n;
	memset(p, 0, max);
	switch (rng_below(r, 5)) {
	case 0:
		memset(p, 0xff, 6);
		break;
	case 1:
		p[0] = 0x01, p[1] = 0x00, p[2] = 0x5e, p[5] = (uint8_t)rng_next(r);
		break;
	case 2:
		break; /* all zero: the test run's PACKET_HOST */
	default:
		memcpy(p, mine, 6);
	}
	fill_random(r, p + 6, 6);
	p[6] &= 0xfe;
	n = 12;
	uint32_t tags = 0, k = rng_below(r, 20);
	if (k < 3)
		tags = 1;
	else if (k < 5)
		tags = 2;
	else if (k == 5)
		tags = 3; /* more than parsers accept */
	for (uint32_t i = 0; i < tags; i++) {
		put16(p + n, i == 0 && tags > 1 && rng_below(r, 2) ? 0x88a8 : 0x8100);
		put16(p + n + 2, (uint32_t)rng_next(r) & 0xffff);
		n += 4;
	}
	k = rng_below(r, 20);
	if (k < 9) {
		put16(p + n, 0x0800);
		n += 2;
		n += gen_ipv4(r, p + n, room - n);
	} else if (k < 15) {
		put16(p + n, 0x86dd);
		n += 2;
		n += gen_ipv6(r, p + n, room - n);
	} else if (k < 17) {
		put16(p + n, 0x0806);
		n += 2;
		uint32_t len = 28 + rng_below(r, 20);
		fill_random(r, p + n, len);
		n += len;
	} else {
		put16(p + n, rng_below(r, 2) ? (uint32_t)rng_next(r) & 0xffff : rng_below(r, 1536));
		n += 2;
		uint32_t len = rng_below(r, 100);
		fill_random(r, p + n, len);
		n += len;
	}
	/* Short frames padded to the Ethernet minimum, as on the wire. */
	if (n < 60 && rng_below(r, 2)) {
		memset(p + n, 0, 60 - n);
		n = 60;
	}
	/* Truncated frames: parsers must stop at the end. */
	if (rng_below(r, 7) == 0 && n > 14)
		n = 14 + rng_below(r, n - 14);
	return n;
}

#endif
