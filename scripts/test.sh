#!/usr/bin/env bash
# make test: the plain build's tests, the same under ASan+UBSan, and the
# concurrent (_mt) tests under ThreadSanitizer; then the grand total.
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
total_p=0; total_f=0; total_s=0; status=0
stage() {
	local name=$1 build=$2 san=$3 pattern=$4
	echo "== $name: building $build"
	if ! $MAKE -s BUILD="$build" SAN="$san" tests >"/tmp/userbpf-$build.log" 2>&1; then
		tail -30 "/tmp/userbpf-$build.log"
		echo "== $name: BUILD FAILED"
		total_f=$((total_f + 1)); status=1; return
	fi
	echo "== $name: running"
	out=$(UB_PRELOAD="$PWD/build/libuserbpf-preload.so" tests/run.sh "$build" "$pattern" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | tail -1)
	p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}'); s=$(echo "$line" | awk '{print $5}')
	total_p=$((total_p + ${p:-0})); total_f=$((total_f + ${f:-1})); total_s=$((total_s + ${s:-0}))
	[ $rc = 0 ] || status=1
}
stage "plain build" build "" ""
stage "ASan+UBSan" build-asan address ""
stage "ThreadSanitizer (_mt tests)" build-tsan thread "_mt"
echo "== fuzz smoke: the loader/verifier/interpreter under libFuzzer, ${FUZZ_TIME:-15} s"
if $MAKE -s BUILD=build FUZZ_TIME="${FUZZ_TIME:-15}" fuzz-smoke >/tmp/userbpf-fuzz.log 2>&1; then
	grep -E "Done [0-9]+ runs" /tmp/userbpf-fuzz.log | tail -1
	echo "fuzz: 1 passed, 0 failed"
	total_p=$((total_p + 1))
else
	tail -40 /tmp/userbpf-fuzz.log
	echo "fuzz: 0 passed, 1 failed"
	total_f=$((total_f + 1)); status=1
fi
echo "== all stages:"
echo "$total_p passed, $total_f failed, $total_s skipped"
exit $status
