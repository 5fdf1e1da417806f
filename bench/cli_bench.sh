#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The CLI's speed, side by side with bpftool on the same kind of maps in the
# kernel: `map show` over N maps (default 10,000) and `map dump` of a
# 1,000,000-entry array, output to /dev/null. The kernel column needs root
# and bpf(); it is skipped otherwise.
# Usage: bench/cli_bench.sh [BUILD_DIR] [N_MAPS] [DUMP_ENTRIES]
set -eu
build=$(realpath "${1:-build}")
# Measure the CLI as the tree builds it, never a stale binary.
make -s -C "$(dirname "$0")/.." BUILD="$build" all >/dev/null || exit 1
nmaps=${2:-10000}
entries=${3:-1000000}
cli=$build/userbpf
pre=$build/libuserbpf-preload.so
tmp=$(mktemp -d /dev/shm/ub-cli-bench.XXXXXX)
kdir=
cleanup() {
	if [ -n "$kdir" ]; then umount "$kdir" 2>/dev/null || true; rmdir "$kdir" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
export USERBPF_ROOT=$tmp/ns

# Best of 3 wall-clock seconds of a command, stdout to /dev/null.
best() {
	local b=
	for _ in 1 2 3; do
		local s e t
		s=$(date +%s.%N)
		"$@" >/dev/null
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	printf '%.3f' "$b"
}

batch=$tmp/batch
echo "setting up $nmaps userbpf maps and a $entries-entry array..." >&2
for i in $(seq 1 "$nmaps"); do
	echo "map create /sys/fs/bpf/m$i type array key 4 value 8 entries 1 name m$i"
done > "$batch"
LD_PRELOAD=$pre bpftool batch file "$batch" >/dev/null
"$cli" map create /sys/fs/bpf/big type array key 4 value 8 entries "$entries" name big

kernel=no
if [ "$(id -u)" = 0 ] && command -v bpftool >/dev/null; then
	kdir=$(mktemp -d /tmp/ub-cli-bench-bpffs.XXXXXX)
	if mount -t bpf bpf "$kdir" 2>/dev/null; then
		echo "setting up $nmaps kernel maps..." >&2
		sed "s|/sys/fs/bpf/|$kdir/|" "$batch" > "$batch.k"
		if bpftool batch file "$batch.k" >/dev/null 2>&1 &&
		   bpftool map create "$kdir/big" type array key 4 value 8 entries "$entries" name big; then
			kernel=yes
		fi
	fi
fi
kmaps=$( [ $kernel = yes ] && bpftool map show | grep -c '^[0-9]*:' || echo 0)

printf '%-44s %12s %16s %14s\n' "operation" "userbpf CLI" "bpftool+preload" "bpftool+kernel"
row() {
	local what=$1 u=$2 p=$3 k=$4
	printf '%-44s %11ss %15ss %13s\n' "$what" "$u" "$p" "$k"
}
u=$(best "$cli" map show)
p=$(best env LD_PRELOAD="$pre" bpftool map show)
k=n/a; [ $kernel = yes ] && k="$(best bpftool map show)s"
row "map show ($nmaps maps; kernel: $kmaps)" "$u" "$p" "$k"
u=$(best "$cli" -j map show)
p=$(best env LD_PRELOAD="$pre" bpftool -j map show)
k=n/a; [ $kernel = yes ] && k="$(best bpftool -j map show)s"
row "-j map show" "$u" "$p" "$k"
u=$(best "$cli" map dump pinned /sys/fs/bpf/big)
p=$(best env LD_PRELOAD="$pre" bpftool map dump pinned /sys/fs/bpf/big)
k=n/a; [ $kernel = yes ] && k="$(best bpftool map dump pinned "$kdir/big")s"
row "map dump ($entries-entry array)" "$u" "$p" "$k"
u=$(best "$cli" -j map dump pinned /sys/fs/bpf/big)
p=$(best env LD_PRELOAD="$pre" bpftool -j map dump pinned /sys/fs/bpf/big)
k=n/a; [ $kernel = yes ] && k="$(best bpftool -j map dump pinned "$kdir/big")s"
row "-j map dump ($entries-entry array)" "$u" "$p" "$k"
