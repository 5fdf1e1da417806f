#!/usr/bin/env bash
# Install the Debian packages userbpf builds and tests with, only those missing.
set -eu
pkgs="gcc make libc6-dev libbpf-dev libelf-dev zlib1g-dev clang llvm bpftool iproute2 pkg-config libclang-rt-14-dev util-linux mount coreutils"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all Debian packages present ($pkgs)"
	exit 0
fi
echo "deps: installing missing Debian packages:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
