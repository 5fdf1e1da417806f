#!/usr/bin/env bash
# Record the kernel's corpus transcripts from a build's objects: NAME.out from
# the -mcpu=v1 object, and NAME.vN.out for a CPU version whose output differs
# from v1's. Run as root where the kernel's bpf() works, after
# `make BUILD=... tests`; the seed and run count are tests/integ/prog_corpus.c's
# SEED and RUNS.
# Usage: tests/vmbpf/corpus/record.sh BUILD
set -eu
build=${1:?build dir}
out=$(dirname "$0")/expected
mkdir -p "$out"
rm -f "$out"/*.out
for obj in "$build"/bpf/corpus/*.v1.bpf.o "$build"/bpf/corpus-known/*.v1.bpf.o; do
	name=$(basename "$obj" .v1.bpf.o)
	"$build/testbin/corpus" "$obj" 1 100 >"$out/$name.out" 2>/dev/null || true
	echo "recorded $name: $(wc -l <"$out/$name.out") lines"
	for other in "${obj%.v1.bpf.o}".v[2-9].bpf.o; do
		cpu=${other%.bpf.o}
		cpu=${cpu##*.}
		"$build/testbin/corpus" "$other" 1 100 >"$out/$name.$cpu.out" 2>/dev/null || true
		if cmp -s "$out/$name.out" "$out/$name.$cpu.out"; then
			rm "$out/$name.$cpu.out"
		else
			echo "recorded $name.$cpu: its own transcript"
		fi
	done
done
