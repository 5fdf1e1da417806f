#!/usr/bin/env bash
# Record the kernel's corpus transcripts (tests/vmbpf/corpus/expected/NAME.out)
# from the -mcpu=v1 objects of a build: run as root where the kernel's bpf()
# works, after `make BUILD=... tests`. The seed and run count are
# tests/integ/prog_corpus.c's SEED and RUNS.
# Usage: tests/vmbpf/corpus/record.sh BUILD
set -eu
build=${1:?build dir}
here=$(dirname "$0")
mkdir -p "$here/expected"
for obj in "$build"/bpf/corpus/*.v1.bpf.o "$build"/bpf/corpus-known/*.v1.bpf.o; do
	name=$(basename "$obj" .v1.bpf.o)
	"$build/testbin/corpus" "$obj" 1 100 >"$here/expected/$name.out" 2>/dev/null || true
	echo "recorded $name: $(wc -l <"$here/expected/$name.out") lines"
done
