#!/usr/bin/env python3
"""Checks what `--show` drew on a terminal (a typescript from `script`): a frequency axis,
rows 0.1 s apart, every row the same number of cells, and for each LABEL=HZ given, the row
after the one the label is written beside (its sound has begun by then and fills the row)
within 12 dB of its brightest cell at HZ and 20 dB under it somewhere else, as the sound's
spectrum would be. Levels are read back from the colours: the colour map's CIE lightness
rises evenly from 18 (60 dB under the top) to 92 (the top), src/plot/colormap.c; exact with
24-bit colour (COLORTERM=truecolor), coarse with 256 colours.

usage: waterfall_check.py TYPESCRIPT [LABEL=HZ ...]
Prints one line per failed check; exit 1 if any failed."""
import re
import sys

ESC = re.compile(r"\x1b\[([0-9;]*)m")


L_BOTTOM, L_TOP, RANGE_DB = 18.0, 92.0, 60.0


def level_db(rgb):
    """dB under the top of the scale, from a cell's sRGB colour (0..1) through CIE L*."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    lstar = 116.0 * y ** (1.0 / 3.0) - 16.0 if y > 0.008856 else 903.3 * y
    return (lstar - L_TOP) / (L_TOP - L_BOTTOM) * RANGE_DB


def cells_of(row_cells):
    """The levels of a row's cells (24-bit or 256-colour escapes)."""
    out, cur = [], (0, 0, 0)
    for m in re.finditer(r"\x1b\[([0-9;]*)m| ", row_cells):
        if m.group(0) == " ":
            out.append(level_db(cur))
            continue
        p = [int(x) for x in m.group(1).split(";") if x]
        if p[:2] == [48, 2]:
            cur = (p[2] / 255, p[3] / 255, p[4] / 255)
        elif p[:2] == [48, 5]:
            c = p[2] - 16
            cur = (c // 36 / 5, c // 6 % 6 / 5, c % 6 / 5)
    return out


def main():
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read().replace("\r", "")
    rows, failures = [], []   # rows: [time, cells, text beside it and its continuations]
    header = False
    for line in text.split("\n"):
        if "Hz; time in s" in line:
            header = True
            continue
        m = re.match(r"^ {0,6}(\d+\.\d) \|(.*?)\x1b\[0m\|(.*)$", line)
        if m:
            rows.append([float(m.group(1)), cells_of(m.group(2)), m.group(3).strip()])
            continue
        m = re.match(r"^ {7}\|(.*?)\x1b\[0m\|(.*)$", line)
        if m and rows:
            rows[-1][2] += " " + m.group(2).strip()
    if not header:
        failures.append("no frequency axis")
    if len(rows) < 10:
        failures.append(f"only {len(rows)} rows")
    widths = {len(r[1]) for r in rows}
    if len(widths) != 1:
        failures.append(f"rows of different widths: {sorted(widths)}")
    for a, b in zip(rows, rows[1:]):
        if abs(b[0] - a[0] - 0.1) > 0.01:
            failures.append(f"rows at {a[0]} then {b[0]} s, not 0.1 s apart")
            break
    for spec in sys.argv[2:]:
        label, hz = spec.rsplit("=", 1)
        at = [i for i, r in enumerate(rows) if label in r[2]]
        if not at or at[0] + 1 >= len(rows):
            failures.append(f"'{label}' is beside no row")
            continue
        db = rows[at[0] + 1][1]
        cell = int(float(hz) * len(db) / 4000)
        near = max(db[max(cell - 1, 0):cell + 2])
        said = (f"'{label}': row {rows[at[0] + 1][0]} s at {hz} Hz {near - max(db):.1f} dB from its brightest, "
                f"its darkest {min(db) - max(db):.1f} dB")
        if near < max(db) - 12.0 or min(db) > max(db) - 20.0:
            failures.append(said)
        else:
            print(said)
    for f in failures:
        print(f)
    print(f"{len(rows)} rows of {widths.pop() if len(widths) == 1 else '?'} cells")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
