#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""die() in helper/ formats its line with jail_log_line (lib/error.c), which
knows only %s %m %u %d (and %%): any other conversion ends the line there,
and the reason is lost from the log.  gcc checks the argument types against
full printf; this checks the subset.  Prints each offending call, exits 1.
  scripts/check-die-formats.py [FILE...]   (default: helper/*.c)"""
import glob
import re
import sys

files = sys.argv[1:] or sorted(glob.glob("helper/*.c"))
call = re.compile(r'\bdie\s*\(\s*[^,()]+,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')
conv = re.compile(r"%(.)")
bad = 0
calls = 0
for f in files:
    text = open(f, encoding="utf-8").read()
    for m in call.finditer(text):
        calls += 1
        fmt = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        wrong = [c for c in conv.findall(fmt) if c not in "smud%"]
        if wrong:
            line = text.count("\n", 0, m.start()) + 1
            print(f"{f}:{line}: die() format uses %{', %'.join(wrong)}: jail_log_line "
                  "knows only %s %m %u %d")
            bad = 1
if calls == 0:
    print("check-die-formats: no die() call found: is the pattern stale?", file=sys.stderr)
    sys.exit(1)
print(f"check-die-formats: {calls} die() formats use only %s %m %u %d" if not bad else
      "check-die-formats: formats jail_log_line cannot print (above)", file=sys.stderr if bad else sys.stdout)
sys.exit(bad)
