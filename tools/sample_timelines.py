# Rewrites each timeline block in samples/README with what `squeal decode` prints now, after a
# change that moves a figure in it (an SNR, a level). Run from the top of the tree:
#     python3 tools/sample_timelines.py build/src/cli/squeal
# then read the diff: only the figures you meant to move should have moved.
import subprocess, sys
sq = sys.argv[1]
lines = open("samples/README").read().split("\n")
out, i = [], 0
while i < len(lines):
    l = lines[i]
    out.append(l)
    if l.startswith("    # samples/") and ".wav:" in l:
        name = l[6:l.index(".wav:") + 4]
        got = subprocess.run([sq, "decode", name], capture_output=True, text=True, check=True).stdout
        out.pop()
        out += ["    " + x for x in got.rstrip("\n").split("\n")]
        i += 1
        while i < len(lines) and lines[i].startswith("    "):
            i += 1
        continue
    i += 1
open("samples/README", "w").write("\n".join(out))
