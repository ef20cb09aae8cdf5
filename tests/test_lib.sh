# Shared by the shell tests (sourced): each check is one TAP line, so meson counts every
# check, shows skips, and prints what failed. Diagnostics go out as TAP comments ("# ...").
# The sourcing script sets T (its scratch folder) first, then calls finish at the end.
n=0
pass=0
fail=0
skip=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n${1:+ - $1}"; }
# bad DESCRIPTION...: a failed check; a description of several lines goes on as comments
bad() {
    n=$((n + 1)); fail=$((fail + 1))
    printf '%s\n' "$*" | sed -e "1s/^/not ok $n - /" -e '2,$s/^/# /'
}
# skipped COUNT REASON: checks that could not run here
skipped() {
    i=0
    while [ "$i" -lt "$1" ]; do n=$((n + 1)); skip=$((skip + 1)); echo "ok $n # SKIP $2"; i=$((i + 1)); done
}
# skip_all REASON: nothing in this test can run here (meson shows the test as skipped)
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# bail REASON: the test cannot go on (its set-up failed)
bail() { echo "Bail out! $*"; exit 1; }
note() { echo "# $*"; }
# show FILE...: a file's lines as comments, beside a failed check
show() { sed 's/^/# /' "$@"; }

# expect STATUS DESCRIPTION -- command...: exit status and, on failure, one stderr line
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    lines=$(wc -l <"$T/err")
    if [ "$got" -ne "$want" ]; then bad "$what: exit $got, wanted $want ($(cat "$T/err"))"; return 1; fi
    if [ "$want" -ne 0 ] && [ "$lines" -ne 1 ]; then bad "$what: $lines stderr lines"; show "$T/err"; return 1; fi
    ok "$what"
}

# random_bytes COUNT SEED: the same pseudo-random bytes on every run, so a failure can be
# run again (/dev/urandom would make each run a different test)
random_bytes() {
    python3 -c 'import random, sys; random.seed(int(sys.argv[2])); sys.stdout.buffer.write(random.randbytes(int(sys.argv[1])))' "$1" "$2"
}

finish() {
    echo "1..$n"
    note "$pass passed, $fail failed, $skip skipped"
    [ "$fail" -eq 0 ]
}
