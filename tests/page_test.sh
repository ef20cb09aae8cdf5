#!/bin/sh
# The report page (decode/sim/demo --html): one self-contained file with the picture, the
# audio and one element per event; then in a real browser (Debian's headless Chromium,
# driven by Selenium: tests/page_test.py) the events are clicked and the keys pressed.
# usage: page_test.sh SQUEAL SOURCE_ROOT
SQ=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$SRC/tests/test_lib.sh"

# a page for a recording: one element per event of the JSON timeline, nothing from the network
"$SQ" decode "$SRC/samples/call-line.wav" --html "$T/call.html" >/dev/null 2>"$T/err" && ok "decode --html" ||
    { bad "decode --html"; show "$T/err"; }
# the summary line that ends the JSON is about the whole call, not an event of it
"$SQ" decode --json "$SRC/samples/call-line.wav" | grep -v '"type":"summary"' >"$T/call.jsonl"
[ "$(grep -o 'class="event"' "$T/call.html" | wc -l)" -eq "$(wc -l <"$T/call.jsonl")" ] &&
    ok "one event element per JSON event" || bad "event elements: $(grep -o 'class="event"' "$T/call.html" | wc -l), JSON: $(wc -l <"$T/call.jsonl")"
grep -q 'src="data:image/png;base64,' "$T/call.html" && grep -q 'src="data:audio/wav;base64,' "$T/call.html" &&
    ok "the picture and the audio are inside the page" || bad "picture or audio not inlined"
! grep -Eq '(src|href)="(https?:)?//' "$T/call.html" && ok "nothing is fetched from a network" || bad "the page reaches out"
"$SQ" sim --html "$T/sim.html" >/dev/null && grep -q 'data-type="jm"' "$T/sim.html" && ok "sim --html" || bad "sim --html"
"$SQ" demo --html "$T/demo.html" >/dev/null && grep -q 'data-type="data"' "$T/demo.html" && ok "demo --html" || bad "demo --html"
expect 2 "decode --html with another name" -- "$SQ" decode "$SRC/samples/ans.wav" --html "$T/page.txt"
expect 1 "decode --html into a missing folder" -- "$SQ" decode "$SRC/samples/ans.wav" --html "$T/no/such/page.html"

# in the browser
if command -v chromium >/dev/null && [ -x /usr/bin/chromedriver ] && /usr/bin/python3 -c "import selenium" 2>/dev/null; then
    /usr/bin/python3 "$SRC/tests/page_test.py" "$T/call.html" "$T/call.jsonl" "$T/shot.png" >"$T/browser" 2>"$T/browser.err"
    rc=$?
    # its checks, renumbered into this test's
    while read -r line; do
        case "$line" in
            "ok "*) ok "browser: ${line#ok [0-9]* - }" ;;
            "not ok "*) bad "browser: ${line#not ok [0-9]* - }" ;;
        esac
    done <"$T/browser"
    [ $rc -eq 0 ] && ok "the browser run finished" || { bad "the browser run failed (exit $rc)"; show "$T/browser.err"; }
else
    skipped 11 "no headless browser (chromium, chromium-driver, python3-selenium)"
fi
finish
