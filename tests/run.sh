#!/usr/bin/env bash
# Run every test binary of a build (each in its own fresh USERBPF_ROOT) and
# print the grand total as "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR [PATTERN]
set -u
build=${1:?build dir}
pattern=${2:-}
root=$(mktemp -d /dev/shm/userbpf-test.XXXXXX)
trap 'rm -rf "$root"' EXIT
export UB_PRELOAD=${UB_PRELOAD:-$(realpath build/libuserbpf-preload.so 2>/dev/null || true)}
export UB_BUILD=$(realpath "$build")
export UB_SRC=$(realpath "$(dirname "$0")/..") # the source tree (goldens, expectations)
# Programs some tests run as user nobody must be readable by it.
stage=$("$(dirname "$0")/../scripts/stage.sh" "$build")
if [ "$stage" != "$UB_BUILD" ]; then
	trap 'rm -rf "$root" "$stage"' EXIT
	if [ -n "$UB_PRELOAD" ]; then
		cp "$UB_PRELOAD" "$stage/preload-under-test.so"
		chmod a+r "$stage/preload-under-test.so"
		export UB_PRELOAD="$stage/preload-under-test.so"
	fi
	export UB_BUILD="$stage"
fi
pass=0; fail=0; skip=0; broken=0
for t in $(find "$build/tests" -type f -executable 2>/dev/null | sort); do
	[ -n "$pattern" ] && ! [[ "$t" =~ $pattern ]] && continue
	name=${t#"$build"/}
	export USERBPF_ROOT="$root/$(echo "$name" | tr / _)"
	out=$(timeout 600 "$t" 2>&1); rc=$?
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -20
		echo "BROKEN $name (exit $rc, no result line)"
		broken=$((broken + 1)); continue
	fi
	p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
	s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p'); s=${s:-0}
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ "$f" != 0 ] || [ "$rc" != 0 ]; then
		printf '%s\n' "$out" | grep -E 'FAIL|SKIP|error|ERROR' | head -40
		echo "FAILED $name: $line (exit $rc)"
		[ "$f" = 0 ] && fail=$((fail + 1))
	else
		echo "ok     $name: $line"
	fi
done
fail=$((fail + broken))
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
