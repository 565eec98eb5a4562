#!/usr/bin/python3
"""Print the goals proved per function for every proof unit and fail unless all are.

Reads the JSON reports written by tools/wp-run.sh (WP's -wp-report-json).
Usage: tools/wp-table.py REPORT.json [REPORT.json ...]
"""
import json
import os
import sys


def main(paths):
    if not paths:
        print("wp-table: no proof reports", file=sys.stderr)
        return 1
    rows, total, valid, failed = [], 0, 0, False
    for path in paths:
        unit = os.path.splitext(os.path.basename(path))[0]
        try:
            with open(path) as f:
                rep = json.load(f)
        except (OSError, ValueError) as e:
            print(f"wp-table: {path}: {e}", file=sys.stderr)
            return 1
        funcs = rep.get("wp:functions", {})
        if not funcs:
            print(f"wp-table: {unit}: no goals at all (nothing was proved)", file=sys.stderr)
            failed = True
        for fn in sorted(funcs):
            # "wp:section" is WP's own per-function sum of its properties' goals.
            m = funcs[fn].get("wp:section", {}).get("wp:main", {})
            t, v = m.get("total", 0), m.get("valid", 0)
            rows.append((unit, fn, v, t))
            total += t
            valid += v
        g = rep.get("wp:global", {}).get("wp:main", {})
        if g.get("total", 0) != g.get("valid", -1):
            failed = True
    w = max([len(f"{u}:{f}") for u, f, _, _ in rows] + [20])
    print(f"{'unit:function':<{w}}  proved / goals")
    for u, fn, v, t in rows:
        mark = "" if v == t else "   <-- NOT PROVED"
        print(f"{u + ':' + fn:<{w}}  {v:>6} / {t:<6}{mark}")
        if v != t:
            failed = True
    pct = 100.0 * valid / total if total else 0.0
    print(f"{'TOTAL':<{w}}  {valid:>6} / {total:<6} ({pct:.1f} %)")
    if failed or total == 0:
        print("proofs: FAILED (not 100 % of goals proved)", file=sys.stderr)
        return 1
    print("proofs: 100 % of goals proved")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
