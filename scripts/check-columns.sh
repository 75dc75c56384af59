#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every line of the tree's C sources fits in 100 columns (tabs of 8), as
# .clang-format says.  Prints the lines that do not and exits 1.
#   scripts/check-columns.sh [FILE...]   (default: every tracked *.c and *.h)
set -eu
cd "$(dirname "$0")/.."
LIMIT=100
[ $# -gt 0 ] || set -- $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
bad=0
for f in "$@"; do
	out=$(expand -t8 "$f" | awk -v f="$f" -v max=$LIMIT 'length > max { printf "%s:%d: %d columns\n", f, NR, length }')
	[ -z "$out" ] || { printf '%s\n' "$out"; bad=1; }
done
[ $bad = 0 ] && echo "check-columns: every line fits in $LIMIT columns" || echo "check-columns: lines over $LIMIT columns (above)" >&2
exit $bad
