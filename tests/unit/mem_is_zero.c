// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* mem_is_zero(), which every bpf() call's CHECK_ATTR runs: every range, every non-zero byte. */
#include "t.h"
#include "internal.h"

int main(void)
{
	static u8 buf[256];
	long bad = 0, checks = 0;

	/* All-zero ranges are zero; a single non-zero byte counts iff it is inside. */
	for (size_t from = 0; from <= 200; from++) {
		for (size_t to = from; to <= 200; to++) {
			checks++;
			if (!mem_is_zero(buf, from, to))
				bad++;
			for (size_t at = from ? from - 1 : 0; at <= to && at < sizeof(buf); at++) {
				buf[at] = 0x80;
				bool want = !(at >= from && at < to);
				checks++;
				if (mem_is_zero(buf, from, to) != want)
					bad++;
				buf[at] = 0;
			}
		}
	}
	CHECK(bad == 0, "%ld of %ld ranges answered wrongly", bad, checks);
	/* from > to is an empty range. */
	CHECK(mem_is_zero(buf, 10, 5), "empty range");
	return T_DONE();
}
