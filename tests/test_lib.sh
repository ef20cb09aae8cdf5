# Shared by the shell tests (sourced): counters, ok/bad, and expect for a command's exit
# status and its one error line. The sourcing script sets T (its scratch folder) first.
pass=0
fail=0
skip=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS DESCRIPTION -- command...: exit status and, on failure, one stderr line
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    lines=$(wc -l <"$T/err")
    if [ "$got" -ne "$want" ]; then bad "$what: exit $got, wanted $want ($(cat "$T/err"))"; return 1; fi
    if [ "$want" -ne 0 ] && [ "$lines" -ne 1 ]; then bad "$what: $lines stderr lines"; cat "$T/err"; return 1; fi
    ok
}

finish() {
    echo "$pass passed, $fail failed, $skip skipped"
    [ "$fail" -eq 0 ]
}
