# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# `make bench`: build the benchmarks with optimisation in $(BUILD) and run them
# against the live kernel (see docs/BENCHMARKS.md).
BENCH_CFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Ibench -pthread

$(BUILD)/bench/bench: bench/bench.c bench/bench.h $(BUILD)/libuserbpf.a
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(BUILD)/libuserbpf.a $(LDSAN) -lm $(LDLIBS)

# An ordinary libbpf program: no userbpf in it unless LD_PRELOAD puts it there.
$(BUILD)/bench/bench-client: bench/client.c bench/bench.h
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lbpf

bench: lib $(BUILD)/bench/bench $(BUILD)/bench/bench-client
	@if [ -n "$(SAN)" ]; then echo "bench: SAN=$(SAN) build, figures are not meaningful"; fi
	$(BUILD)/bench/bench $(BUILD)
	$(MAKE) --no-print-directory BUILD=$(BUILD) bench-vm
