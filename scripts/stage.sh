#!/usr/bin/env bash
# Print a build directory that user nobody (uid 65534) can read: BUILD itself
# when it already can, else a world-readable copy of what unprivileged runs use
# (the libraries, the CLI, test programs and BPF objects). A checkout under a
# private directory (mktemp -d makes 0700) is invisible to nobody, and the
# dynamic loader silently skips an LD_PRELOAD it cannot open: the program would
# then reach the kernel's bpf() instead of userbpf.
# Usage: scripts/stage.sh BUILD   (the caller removes a staged copy: it is
# the printed directory when that differs from BUILD)
set -eu
build=$(realpath "${1:?build dir}")
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
	setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$build/libuserbpf-preload.so" 2>/dev/null; then
	echo "$build"
	exit 0
fi
stage=$(mktemp -d /tmp/userbpf-stage.XXXXXX)
cp "$build"/*.so "$stage/"
[ -x "$build/userbpf" ] && cp "$build/userbpf" "$stage/"
for d in testbin bpf examples; do
	[ -d "$build/$d" ] && cp -r "$build/$d" "$stage/"
done
chmod -R a+rX "$stage"
echo "$stage"
