#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# How many lines of code run as root in the setuid helper (issue 15): every
# function of helper/jailsh.c and of lib/ that the linker keeps in jailsh,
# built with -O0 -fno-inline -ffunction-sections and linked with
# --gc-sections (an unreferenced function is dropped, a referenced one is
# counted whole).  A line counts when it holds code: not blank, not only a
# comment or a brace-less comment continuation.  libc, libconfuse, libcap-ng
# and libseccomp are not counted.  jailsh is setuid root and its relay parent
# stays root for the session, so every line it keeps counts.
#
#   scripts/root-lines.sh [--limit N] [--by-file] [--by-function]
# Prints "root-lines: TOTAL (limit N)"; exits 1 when TOTAL > N (default 600).
set -eu
cd "$(dirname "$0")/.."
LIMIT=600 BY_FILE=0 BY_FN=0
while [ $# -gt 0 ]; do
	case $1 in
	--limit) LIMIT=$2; shift ;;
	--by-file) BY_FILE=1 ;;
	--by-function) BY_FN=1 ;;
	*) echo "usage: $0 [--limit N] [--by-file] [--by-function]" >&2; exit 2 ;;
	esac
	shift
done
CC=${CC:-cc}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
make -s build/paths.h
CFLAGS="-std=gnu11 -D_GNU_SOURCE -O0 -g -fno-inline -ffunction-sections -fdata-sections -Iinclude -Ibuild $(pkg-config --cflags libconfuse)"
objs=()
# what the Makefile links into jailsh: helper/jailsh.c and libjail.a (LIB_SRCS)
srcs=$(make -s -pn build/jailsh 2>/dev/null | sed -n 's/^LIB_SRCS := //p' | head -1)
[ -n "$srcs" ] || { echo "root-lines: cannot read LIB_SRCS from the Makefile" >&2; exit 2; }
for f in helper/jailsh.c $srcs; do
	o=$W/$(echo "$f" | tr / _).o
	$CC $CFLAGS -c "$f" -o "$o"
	objs+=("$o")
done
$CC -O0 -Wl,--gc-sections -o "$W/jailsh" "${objs[@]}" \
	$(pkg-config --libs libconfuse libcap-ng libseccomp)
top=$PWD/
# "file line name" of every function kept, from its debug info
nm --defined-only --line-numbers "$W/jailsh" | awk -v top="$top" '
	($2 == "t" || $2 == "T") && NF >= 4 && index($4, top) == 1 {
		split(substr($4, length(top) + 1), a, ":"); print a[1], a[2], $3 }' | sort -u > "$W/fns"
# lines of code from the definition to its closing brace in column 0
while read -r file line name; do
	n=$(awk -v s="$line" '
		NR < s { next }
		{
			t = $0
			if (inc) { if (match(t, /\*\//)) { t = substr(t, RSTART + 2); inc = 0 } else t = "" }
			while (match(t, /\/\*/)) {
				pre = substr(t, 1, RSTART - 1); rest = substr(t, RSTART + 2)
				if (match(rest, /\*\//)) t = pre " " substr(rest, RSTART + 2)
				else { t = pre; inc = 1 }
			}
			sub(/\/\/.*/, "", t)
			if (t ~ /[^ \t]/) n++
			if ($0 ~ /^}/) { print n + 0; exit }
		}' "$file")
	printf '%s %s %s\n' "$n" "$file" "$name"
done < "$W/fns" > "$W/counts"
total=$(awk '{ s += $1 } END { print s + 0 }' "$W/counts")
[ "$BY_FN" = 1 ] && sort -rn "$W/counts"
[ "$BY_FILE" = 1 ] && awk '{ s[$2] += $1; c[$2]++ } END { for (f in s) printf "%6d %s (%d functions)\n", s[f], f, c[f] }' "$W/counts" | sort -rn
echo "root-lines: $total lines of code in $(wc -l < "$W/counts") functions run as root in jailsh (limit $LIMIT)"
[ "$total" -le "$LIMIT" ]
