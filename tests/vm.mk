# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# VM test artifacts: the packet counter example and test BPF programs with
# their plain-libbpf loaders (no userbpf code in them: the same binary runs
# against the kernel and under LD_PRELOAD=libuserbpf-preload.so).
VM_BPF_CFLAGS := -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu
VM_CLIENT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE

$(BUILD)/bpf/pkt_counter.bpf.o: examples/pkt_counter/pkt_counter.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(VM_BPF_CFLAGS) -c $< -o $@

$(BUILD)/testbin/pkt_counter: examples/pkt_counter/pkt_counter.c
	@mkdir -p $(dir $@)
	$(CC) $(VM_CLIENT_CFLAGS) -o $@ $< -lbpf

$(BUILD)/bpf/vm_features.bpf.o: tests/vmbpf/features.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(VM_BPF_CFLAGS) -c $< -o $@

$(BUILD)/testbin/vm_features: tests/vmbpf/features.c
	@mkdir -p $(dir $@)
	$(CC) $(VM_CLIENT_CFLAGS) -o $@ $< -lbpf

TEST_EXTRA += $(BUILD)/bpf/pkt_counter.bpf.o $(BUILD)/testbin/pkt_counter \
	$(BUILD)/bpf/vm_features.bpf.o $(BUILD)/testbin/vm_features

# The data-driven VM test includes the test assembler.
$(BUILD)/tests/unit/vm_data: tests/vm/asm.h

# `make BUILD=... bench-vm`: the program runtime beside the kernel (bench/vm.c).
$(BUILD)/bench/vm-bench: bench/vm.c $(BUILD)/libuserbpf.a
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -o $@ $< \
		$(BUILD)/libuserbpf.a $(LDSAN) $(LDLIBS)

.PHONY: bench-vm
bench-vm: $(BUILD)/bench/vm-bench
	$(BUILD)/bench/vm-bench

# `make fuzz-smoke`: the loader/verifier/interpreter fuzzer (libFuzzer, clang,
# ASan+UBSan) built from the library sources, run for FUZZ_TIME seconds (make test
# runs it briefly).
FUZZ_BUILD := $(BUILD)-fuzz
FUZZ_TIME ?= 30
$(FUZZ_BUILD)/vm_prog_fuzz: tests/fuzz/vm_prog_fuzz.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_GNU_SOURCE -Iinclude -Isrc -pthread -o $@ $^ -ldl

.PHONY: fuzz-smoke
fuzz-smoke: $(FUZZ_BUILD)/vm_prog_fuzz
	@mkdir -p $(FUZZ_BUILD)/corpus
	root=$$(mktemp -d /dev/shm/userbpf-fuzz.XXXXXX); \
	USERBPF_ROOT=$$root $(FUZZ_BUILD)/vm_prog_fuzz -max_total_time=$(FUZZ_TIME) -rss_limit_mb=4096 \
		$(FUZZ_BUILD)/corpus tests/fuzz/seeds; rc=$$?; rm -rf $$root; exit $$rc

$(BUILD)/testbin/vm_run_pinned: tests/vmbpf/run_pinned.c
	@mkdir -p $(dir $@)
	$(CC) $(VM_CLIENT_CFLAGS) -o $@ $< -lbpf

TEST_EXTRA += $(BUILD)/testbin/vm_run_pinned

# Programs the kernel refuses (bpf_spin_lock misuse, a callback's return value),
# and a plain loader.
VM_LOCK_OBJS := $(foreach v,noexit call double,$(BUILD)/bpf/vm_lock_$(v).bpf.o) \
	$(BUILD)/bpf/vm_refuse_cbret.bpf.o
$(BUILD)/bpf/vm_refuse_%.bpf.o: tests/vmbpf/refuse_%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(VM_BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/vm_lock_%.bpf.o: tests/vmbpf/lock_%.bpf.c tests/vmbpf/locked.h
	@mkdir -p $(dir $@)
	$(CLANG) $(VM_BPF_CFLAGS) -c $< -o $@

$(BUILD)/testbin/vm_load_only: tests/vmbpf/load_only.c
	@mkdir -p $(dir $@)
	$(CC) $(VM_CLIENT_CFLAGS) -o $@ $< -lbpf

TEST_EXTRA += $(VM_LOCK_OBJS) $(BUILD)/testbin/vm_load_only

# The packet counter's loader linked with the library itself (in-process use).
$(BUILD)/testbin/pkt_counter_linked: examples/pkt_counter/pkt_counter.c $(BUILD)/libuserbpf-preload.so
	@mkdir -p $(dir $@)
	$(CC) $(VM_CLIENT_CFLAGS) $(LDSAN) -o $@ $< -L$(BUILD) -l:libuserbpf-preload.so \
		-Wl,-rpath,'$$ORIGIN/..' -lbpf

TEST_EXTRA += $(BUILD)/testbin/pkt_counter_linked

$(BUILD)/bpf/vm_loop.bpf.o: tests/vmbpf/loop.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(VM_BPF_CFLAGS) -c $< -o $@

TEST_EXTRA += $(BUILD)/bpf/vm_loop.bpf.o

# Many branches that meet again: loads only with state pruning.
$(BUILD)/bpf/vm_branchy.bpf.o: tests/vmbpf/branchy.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(VM_BPF_CFLAGS) -c $< -o $@

TEST_EXTRA += $(BUILD)/bpf/vm_branchy.bpf.o
