#!/usr/bin/env bash
# make demo: run an unmodified libbpf program on userbpf, as an unprivileged
# user, then read its pinned map from another process with the userbpf CLI.
set -eu
root=$(mktemp -d /dev/shm/userbpf-demo.XXXXXX)
chmod 755 "$root"
# What user nobody runs must be readable by it (see scripts/stage.sh).
build=$("$(dirname "$0")/stage.sh" "${1:-build}")
trap 'rm -rf "$root"; case "$build" in /tmp/userbpf-stage.*) rm -rf "$build";; esac' EXIT
export USERBPF_ROOT="$root/ns"
run() {
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		mkdir -p "$USERBPF_ROOT" && chown 65534:65534 "$USERBPF_ROOT"
		setpriv --reuid=65534 --regid=65534 --clear-groups env USERBPF_ROOT="$USERBPF_ROOT" "$@"
	else
		"$@"
	fi
}
echo "== userbpf demo: namespace $USERBPF_ROOT"
echo "== 1. examples/quickstart (plain libbpf, no userbpf code in it) under LD_PRELOAD, as user nobody"
run env LD_PRELOAD="$build/libuserbpf-preload.so" "$build/examples/quickstart" /sys/fs/bpf/quickstart
echo
echo "== 2. another process reads the pinned map: userbpf map dump pinned /sys/fs/bpf/quickstart"
run "$build/userbpf" map dump pinned /sys/fs/bpf/quickstart
echo
echo "== 3. and lists every map in the namespace: userbpf map show"
run "$build/userbpf" map show
echo
echo "== 4. the XDP packet counter (examples/pkt_counter): clang-built, loaded by plain libbpf under"
echo "==    LD_PRELOAD as nobody, verified, test-run 1000 times on a 64-byte packet; the count read back"
run env LD_PRELOAD="$build/libuserbpf-preload.so" "$build/testbin/pkt_counter" "$build/bpf/pkt_counter.bpf.o" 1000
