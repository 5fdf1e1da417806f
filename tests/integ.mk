# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Integration-test artifacts: BPF objects and bpftool skeletons ($(BUILD)/bpf/),
# and plain libbpf client programs the integ tests run ($(BUILD)/testbin/).
# The clients contain no userbpf code and no sanitizer, so the same binary runs
# against the kernel and under LD_PRELOAD=libuserbpf-preload.so; the *_linked
# variants link the preload library in (in-process use, sanitizer included).
INTEG_BPF_CFLAGS := -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu
INTEG_CLIENT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE
INTEG_LINK_PRELOAD = -L$(BUILD) -l:libuserbpf-preload.so -Wl,-rpath,'$$ORIGIN/..'

$(BUILD)/bpf/globals.bpf.o: tests/bpf/globals.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(INTEG_BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/globals.skel.h: $(BUILD)/bpf/globals.bpf.o
	bpftool gen skeleton $< name globals > $@.tmp && mv $@.tmp $@

$(BUILD)/testbin/libbpf_raw: tests/bpf/libbpf_raw.c
	@mkdir -p $(dir $@)
	$(CC) $(INTEG_CLIENT_CFLAGS) -o $@ $< -lbpf

$(BUILD)/testbin/libbpf_raw_linked: tests/bpf/libbpf_raw.c $(BUILD)/libuserbpf-preload.so
	@mkdir -p $(dir $@)
	$(CC) $(INTEG_CLIENT_CFLAGS) $(LDSAN) -o $@ $< $(INTEG_LINK_PRELOAD) -lbpf

$(BUILD)/testbin/skel_globals: tests/bpf/skel_globals.c $(BUILD)/bpf/globals.skel.h
	@mkdir -p $(dir $@)
	$(CC) $(INTEG_CLIENT_CFLAGS) -I$(BUILD)/bpf -o $@ $< -lbpf

$(BUILD)/testbin/skel_globals_linked: tests/bpf/skel_globals.c $(BUILD)/bpf/globals.skel.h \
		$(BUILD)/libuserbpf-preload.so
	@mkdir -p $(dir $@)
	$(CC) $(INTEG_CLIENT_CFLAGS) -I$(BUILD)/bpf $(LDSAN) -o $@ $< $(INTEG_LINK_PRELOAD) -lbpf

$(BUILD)/testbin/libbpf_peer: tests/bpf/libbpf_peer.c tests/scm.h
	@mkdir -p $(dir $@)
	$(CC) $(INTEG_CLIENT_CFLAGS) -o $@ $< -lbpf

# Kernel transcripts recorded on Linux 6.18, for machines where bpf() is refused.
$(BUILD)/testbin/%.expected: tests/bpf/%.expected
	@mkdir -p $(dir $@)
	cp $< $@

TEST_EXTRA += $(BUILD)/bpf/globals.bpf.o $(BUILD)/bpf/globals.skel.h \
	$(BUILD)/testbin/libbpf_raw $(BUILD)/testbin/libbpf_raw_linked \
	$(BUILD)/testbin/skel_globals $(BUILD)/testbin/skel_globals_linked \
	$(BUILD)/testbin/libbpf_raw.expected $(BUILD)/testbin/skel_globals.expected \
	$(BUILD)/testbin/libbpf_peer

$(BUILD)/tests/integ/libbpf_raw $(BUILD)/tests/integ/libbpf_skel $(BUILD)/tests/integ/libbpf_scm_mt: \
		tests/integ/libbpf_run.h
# The concurrent tests hand ThreadSanitizer their suppressions through
# __tsan_default_suppressions (tsan_mt.h), which the runtime only finds exported.
INTEG_MT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/integ/*_mt*.c))
$(INTEG_MT_TESTS): tests/integ/tsan_mt.h
$(INTEG_MT_TESTS): private CFLAGS += -Wl,--export-dynamic-symbol=__tsan_default_suppressions
