#!/bin/sh
# make fuzz: build the libFuzzer targets with clang and run each for a
# bounded time. Exits non-zero when any target crashed (or leaked, or
# hung past -timeout); the crashing input is in t/fuzz/crashes/, to be
# minimised into t/fuzz/regressions/<target>/ (which make test replays).
#
#   FUZZ_SECONDS=60     run time per target
#   FUZZ_TARGETS="hook policy shell mcp"
#   CLANG=clang
#
# The library is compiled from src/lib/*.c and src/lib/risk/*.c with clang (build/libguard.a is
# gcc-built and has no coverage instrumentation), with the Makefile's own
# flags; warnings stay warnings here so a clang-only warning in the library
# does not stop the fuzzing.
set -eu

cd "$(dirname "$0")/../.."
root=$PWD
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-"hook policy shell mcp"}
CLANG=${CLANG:-clang}
out=build/fuzz
obj=$out/obj

command -v "$CLANG" >/dev/null 2>&1 || { echo "fuzz: $CLANG is missing (make fuzz installs it)" >&2; exit 2; }
mkdir -p "$obj" t/fuzz/crashes

# The Makefile's flags, asked of make so they cannot drift (OPT: -O1 for
# sanitizers, as the Makefile's san build does).
flags=$(make -s --no-print-directory -f Makefile -f - OPT='-O1 -g' guard-print-flags <<'EOF'
guard-print-flags: ; $(info $(CPPFLAGS_ALL))$(info $(CFLAGS_ALL))$(info $(LDLIBS_COMMON))@:
EOF
)
cppflags=$(printf '%s\n' "$flags" | sed -n 1p)
cflags=$(printf '%s\n' "$flags" | sed -n 2p)
ldlibs="$(printf '%s\n' "$flags" | sed -n 3p) $(pkg-config --libs libgit2)"  # guard_git.o is in $objs
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# ---------------------------------------------------------------- build
echo "fuzz: building the library with $CLANG ($($CLANG --version | head -1))" >&2
: >"$out/build.log"
compile() { # SRC OBJ EXTRA-CFLAGS
	c_src=$1 c_obj=$2
	eval "set -- $cppflags $cflags -Wno-error $3"
	# shellcheck disable=SC2086  # $san is a word list
	"$CLANG" "$@" $san -c -o "$c_obj" "$c_src" 2>>"$out/build.log" || {
		cat "$out/build.log" >&2
		echo "fuzz: cannot compile $c_src" >&2
		exit 2
	}
}
pids=""
n=0
make -s --no-print-directory build/lib/risk_tables.h || exit 2  # the command tables, generated
for src in src/lib/*.c src/lib/risk/*.c; do
	o=$obj/$(basename "$src" .c).o
	# (re)build when the source or any library header is newer than the object
	if [ ! -f "$o" ] || [ -n "$(find "$src" -newer "$o")" ] ||
		[ -n "$(find src/lib build/lib/risk_tables.h -name '*.h' -newer "$o" | head -1)" ]; then
		compile "$src" "$o" -fsanitize=fuzzer-no-link &
		pids="$pids $!"
		n=$((n + 1))
		# two at a time: a 2-core shared machine
		if [ $((n % 2)) -eq 0 ]; then
			for p in $pids; do wait "$p" || exit 2; done
			pids=""
		fi
	fi
done
for p in $pids; do wait "$p" || exit 2; done
# The built-in policies are data (no code to instrument): the Makefile's
# object, which also holds the trees its policy-json step made of them.
make -s --no-print-directory build/lib/embedded_policy.o || exit 2
cp build/lib/embedded_policy.o "$obj/embedded_policy.o"
if grep -q 'warning:' "$out/build.log"; then
	echo "fuzz: clang warnings in the library (build/fuzz/build.log):" >&2
	grep 'warning:' "$out/build.log" | sort -u >&2
fi
# Only the objects of sources that exist now (a removed file leaves a stale .o).
objs="$obj/embedded_policy.o"
for src in src/lib/*.c src/lib/risk/*.c; do
	objs="$objs $obj/$(basename "$src" .c).o"
done
for t in $TARGETS; do
	eval "set -- $cppflags $cflags -Wno-error"
	# shellcheck disable=SC2086  # word lists
	"$CLANG" "$@" $san -fsanitize=fuzzer -Isrc/lib -o "$out/fuzz_$t" "t/fuzz/fuzz_$t.c" $objs $ldlibs
done

# ---------------------------------------------------------------- corpora
# The working corpus lives in build/ (grows; not kept); the seeds and the
# kept regressions are read from the repository. The shell target also
# takes every command of the command corpus, when there is one.
if command -v jq >/dev/null 2>&1; then
	mkdir -p "$out/corpus/shell"
	jq -r 'select(type == "object") | .command // empty | @base64' t/corpus/*.jsonl 2>/dev/null |
		while IFS= read -r b; do
			printf '%s' "$b" | base64 -d >"$out/corpus/shell/corpus-$(printf '%s' "$b" | cksum | cut -d' ' -f1)"
		done || true
fi

max_len_of() {
	case $1 in
	hook) echo 65536 ;;   # a payload; big Writes are exercised by the unit and bats tests
	policy) echo 32768 ;; # a policy file (default.yaml is ~9 KB)
	shell) echo 4096 ;;   # one command line
	mcp) echo 16384 ;;    # a few JSON-RPC frames (the reader's limit is 512 bytes here)
	esac
}

# ---------------------------------------------------------------- run
# The policy target's temp files: a crashing run leaves its file behind.
mkdir -p "$out/tmp"
export TMPDIR="$root/$out/tmp"
status=0
summary=""
for t in $TARGETS; do
	mkdir -p "$out/corpus/$t" "t/fuzz/regressions/$t"
	dict=""
	[ -f "t/fuzz/$t.dict" ] && dict="-dict=t/fuzz/$t.dict"
	echo "fuzz: $t for ${SECONDS_EACH}s" >&2
	set +e
	# shellcheck disable=SC2086  # $dict is empty or one word
	GUARD_FUZZ_ROOT=$root ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$out/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len="$(max_len_of "$t")" \
		-timeout=5 -rss_limit_mb=2048 -print_final_stats=1 $dict \
		-artifact_prefix="t/fuzz/crashes/$t-" \
		"$out/corpus/$t" "t/fuzz/seeds/$t" "t/fuzz/regressions/$t" >"$out/$t.log" 2>&1
	rc=$?
	set -e
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1)
	if [ "$rc" -ne 0 ]; then
		status=1
		echo "fuzz: $t FAILED (exit $rc); see $out/$t.log:" >&2
		grep -E 'ERROR|SUMMARY|Test unit written|#[0-9]+ 0x' "$out/$t.log" | head -30 >&2
	fi
	summary="$summary
  $t: exit $rc, ${execs:-?} execs in ${SECONDS_EACH}s, ${cov:-cov ?}, corpus $(find "$out/corpus/$t" -type f | wc -l)"
done
echo "fuzz results:$summary"
crashes=$(find t/fuzz/crashes -type f ! -name .gitkeep | wc -l)
echo "crash artifacts in t/fuzz/crashes: $crashes"
exit "$status"
