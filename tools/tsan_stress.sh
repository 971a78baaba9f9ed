#!/bin/sh
# tsan_stress.sh - build and run the C stress tests under the sanitizers:
# csrc/test_stress.c (every atomic operation, on pyatomic.c),
# csrc/test_pa_wait.c (wait/notify, on pa_wait.c) and
# csrc/test_pa_stack.c (the tagged-index stack, on pa_stack.c).
#
#   tools/tsan_stress.sh [tsan|asan|plain|all]     (default: all)
#
# tsan   -fsanitize=thread: fails on any data race ThreadSanitizer reports.
# asan   -fsanitize=address,undefined: fails on any memory error, leak or
#        undefined behaviour (signed overflow in the wrap-around paths, a
#        misaligned cell access, ...); UBSan is made fatal.
# plain  -O2 with warnings as errors and no sanitizer, with more iterations:
#        the optimised build the extension ships, where races are likeliest
#        to show in the conservation checks.
#
# Every variant also fails on a failed check (the program exits 1), on a
# hang (a broken compare-exchange makes CAS loops spin forever; `timeout`
# turns that into a failure) and on a sanitizer report even if the program
# itself exited 0.
#
# Knobs: PA_STRESS_ITERS (iterations per thread and scenario; defaults
# below keep each sanitizer run well under a minute on two cores),
# PA_STRESS_TIMEOUT (seconds per run, default 300), CC (default gcc).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-gcc}
timeout_s=${PA_STRESS_TIMEOUT:-300}
work=$(mktemp -d "${TMPDIR:-/tmp}/pyatomic-stress.XXXXXX")
trap 'rm -rf "$work"' EXIT

common="-std=c11 -g -pthread -Wall -Wextra -Werror -I$here/csrc"
# program name and its sources, one per line
programs="stress test_stress.c pyatomic.c
wait test_pa_wait.c pa_wait.c
stack test_pa_stack.c pa_stack.c"

# run VARIANT ITERATIONS FLAGS...: build and run every program, and decide.
run() {
    variant=$1
    iters=$2
    shift 2
    echo "$programs" | {
        status=0
        while read -r program sources; do
            files=""
            for source in $sources; do
                files="$files $here/csrc/$source"
            done
            run_one "$variant-$program" "$iters" "$files" "$@" || status=1
        done
        return $status
    }
}

# run_one NAME ITERATIONS SOURCES FLAGS...: build one program, run, decide.
run_one() {
    name=$1
    iters=${PA_STRESS_ITERS:-$2}
    sources=$3
    shift 3
    exe="$work/stress-$name"
    log="$work/$name.log"

    echo "== $name: $cc $* ($iters iterations)"
    # shellcheck disable=SC2086 # word splitting of the flag lists is wanted
    $cc $common "$@" -DPA_VERSION_STR='"test"' $sources -o "$exe"

    status=0
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
    ASAN_OPTIONS="detect_leaks=1 abort_on_error=0 exitcode=67" \
    UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 exitcode=68" \
        timeout "$timeout_s" "$exe" "$iters" >"$log" 2>&1 || status=$?
    cat "$log"

    if [ "$status" -eq 124 ]; then
        echo "FAIL $name: timed out after ${timeout_s}s (a CAS loop that" \
            "never succeeds?)"
        return 1
    fi
    if grep -q -e "WARNING: ThreadSanitizer" -e "ERROR: AddressSanitizer" \
        -e "ERROR: LeakSanitizer" -e "runtime error:" "$log"; then
        echo "FAIL $name: sanitizer report above (exit status $status)"
        return 1
    fi
    if [ "$status" -ne 0 ]; then
        echo "FAIL $name: exit status $status"
        return 1
    fi
    if ! grep -q " passed, 0 failed$" "$log"; then
        echo "FAIL $name: no summary line"
        return 1
    fi
    echo "ok $name"
}

what=${1:-all}
failed=0
case $what in
tsan | all) run tsan 100000 -O1 -fsanitize=thread || failed=1 ;;
esac
case $what in
asan | all)
    run asan 100000 -O1 -fsanitize=address,undefined \
        -fno-sanitize-recover=undefined -fno-omit-frame-pointer || failed=1
    ;;
esac
case $what in
plain | all) run plain 500000 -O2 || failed=1 ;;
esac
case $what in
tsan | asan | plain | all) ;;
*)
    echo "usage: $0 [tsan|asan|plain|all]" >&2
    exit 2
    ;;
esac

if [ "$failed" -ne 0 ]; then
    echo "tsan_stress: FAILED"
    exit 1
fi
echo "tsan_stress: all variants passed"
