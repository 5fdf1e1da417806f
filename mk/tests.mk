# Tests: every tests/{unit,diff,integ}/*.c is one program linked with the static
# library (so the fd and mmap interposers are in it) and libbpf.
TEST_SRCS := $(wildcard tests/unit/*.c tests/diff/*.c tests/integ/*.c)
TEST_BINS := $(TEST_SRCS:%.c=$(BUILD)/%)
TEST_LIBS := $(BUILD)/libuserbpf.a $(LDSAN) -lbpf -lelf -lz $(LDLIBS)
# Helper programs and BPF objects some tests exec or load are built by tests/*.mk.
-include $(wildcard tests/*.mk)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libuserbpf.a $(wildcard tests/*.h tests/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(TEST_LIBS)

.PHONY: tests check check-asan check-tsan
tests: all $(TEST_BINS) $(TEST_EXTRA)

# One build's tests.
check: tests
	tests/run.sh $(BUILD)

deps:
	@scripts/deps.sh

# `make test`: the plain build, then ASan+UBSan, then ThreadSanitizer on the
# concurrent tests (names containing _mt).
test: deps
	@MAKE="$(MAKE)" scripts/test.sh

# The demo: an unmodified libbpf program under the preload library, no root.
$(BUILD)/examples/quickstart: examples/quickstart/quickstart.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -o $@ $< -lbpf

demo: deps all $(BUILD)/examples/quickstart $(BUILD)/bpf/pkt_counter.bpf.o $(BUILD)/testbin/pkt_counter
	@scripts/demo.sh $(BUILD)
