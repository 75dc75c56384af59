#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# How many lines of code run as root in the setuid helper (issue 15): every
# function of helper/jailsh.c and of lib/ that the linker keeps in jailsh,
# built with -O0 -fno-inline -ffunction-sections and linked with
# --gc-sections (an unreferenced function is dropped, a referenced one is
# counted whole).  A line counts when it holds code: not blank, not only a
# comment or a brace-less comment continuation.  libc, libconfuse, libcap-ng
# and libseccomp are not counted.  Every function jailsh keeps counts, but
# those that only functions marked JAIL_UNPRIVILEGED reach (code that runs
# after the process gave up root for good: the relay's loop): a call graph
# from the objects' relocations (every reference is an edge, a call or an
# address taken; functions referenced from data are roots, as main is), so
# a function any root path may reach is counted.  jail-login, root's own
# builder that jailsh execs when no PAM module built the jail, is measured
# the same way and printed beside it (it is not setuid: it runs with a fixed
# argument list, in a process the caller cannot touch).
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
make -s build/paths.h build/seccomp-bpf.h
CFLAGS="-std=gnu11 -D_GNU_SOURCE -O0 -g -fno-inline -ffunction-sections -fdata-sections -Iinclude -Ibuild $(pkg-config --cflags libconfuse)"
# what the Makefile links into jailsh and jail-login: their helper/ sources
# and libjail.a (LIB_SRCS)
srcs=$(make -s -pn build/jailsh 2>/dev/null | sed -n 's/^LIB_SRCS := //p' | head -1)
[ -n "$srcs" ] || { echo "root-lines: cannot read LIB_SRCS from the Makefile" >&2; exit 2; }
for f in helper/jailsh.c helper/jail-login.c helper/shell.c $srcs; do
	$CC $CFLAGS -c "$f" -o "$W/$(echo "$f" | tr / _).o"
done
# the functions marked to run only after root is given up
grep -ho 'JAIL_UNPRIVILEGED [^(]*(' helper/*.c | sed 's/($//; s/.*[ *]//' | sort -u > "$W/cut"
# measure PROGRAM MAIN-SOURCE: writes $W/PROGRAM.counts ("lines file name")
measure() {
	local prog=$1 objs=() o
	for f in "$2" helper/shell.c $srcs; do objs+=("$W/$(echo "$f" | tr / _).o"); done
	$CC -O0 -Wl,--gc-sections -o "$W/$prog" "${objs[@]}" \
		$(pkg-config --libs libconfuse libcap-ng libseccomp)
	# "file line name" of every function kept, from its debug info
	nm --defined-only --line-numbers "$W/$prog" | awk -v top="$PWD/" '
		($2 == "t" || $2 == "T") && NF >= 4 && index($4, top) == 1 {
			split(substr($4, length(top) + 1), a, ":"); print a[1], a[2], $3 }' |
		sort -u > "$W/$prog.kept"
	# the call graph: "from to" per relocation (from "-": a reference from data)
	for o in "${objs[@]}"; do objdump -r "$o"; done | awk '
		/^RELOCATION RECORDS FOR \[/ {
			sec = $4; gsub(/[\[\]:]/, "", sec)
			from = (sec ~ /^\.text\./) ? substr(sec, 7) : (sec ~ /^\.(debug|eh_frame|rela)/ ? "" : "-")
			next }
		from != "" && NF == 3 && $1 ~ /^[0-9a-f]+$/ {
			to = $3; sub(/[-+]0x[0-9a-f]+$/, "", to); sub(/^\.text\./, "", to)
			print from, to }' | sort -u > "$W/$prog.edges"
	python3 - "$W/$prog.kept" "$W/$prog.edges" "$W/cut" > "$W/$prog.root" <<'PY'
import sys
kept = {l.split()[2] for l in open(sys.argv[1])}
edges, cut = {}, set(open(sys.argv[3]).read().split())
for l in open(sys.argv[2]):
    f, t = l.split()
    edges.setdefault(f, set()).add(t)
def reach(start, avoid):
    seen, todo = set(), list(start)
    while todo:
        f = todo.pop()
        if f in seen or f in avoid:
            continue
        seen.add(f)
        todo.extend(edges.get(f, ()))
    return seen
roots = {"main"} | edges.get("-", set())
as_root = reach(roots, cut)
after_drop = reach(cut, set()) - as_root
for f in sorted(kept):
    print(f, "unprivileged" if f in after_drop else "root")
PY
}
measure jailsh helper/jailsh.c
measure jail-login helper/jail-login.c
# lines of code from the definition to its closing brace in column 0, per
# function of PROGRAM.kept: PROGRAM.counts, and the total on stdout
count_program() {
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
done < "$W/$1.kept" > "$W/$1.all"
# as root, or only after the privileges are gone
awk 'NR == FNR { how[$1] = $2; next } how[$3] == "unprivileged" { print > "/dev/stderr"; next } { print }' \
	"$W/$1.root" "$W/$1.all" > "$W/$1.counts" 2> "$W/$1.unpriv"
awk '{ s += $1 } END { print s + 0 }' "$W/$1.counts"
}
total=$(count_program jailsh)
builder=$(count_program jail-login)
cp "$W/jailsh.counts" "$W/counts"
cp "$W/jailsh.unpriv" "$W/unpriv"
[ "$BY_FN" = 1 ] && sort -rn "$W/counts"
[ "$BY_FILE" = 1 ] && awk '{ s[$2] += $1; c[$2]++ } END { for (f in s) printf "%6d %s (%d functions)\n", s[f], f, c[f] }' "$W/counts" | sort -rn
unpriv=$(awk '{ s += $1 } END { print s + 0 }' "$W/unpriv")
echo "root-lines: not counted, run only after jailsh gave up root: $unpriv lines in $(wc -l < "$W/unpriv") functions ($(awk '{ print $3 }' "$W/unpriv" | sort | tr '\n' ' ' | sed 's/ $//'))"
echo "root-lines: jail-login (root's builder, exec'd by jailsh with a fixed argument list): $builder lines of code"
echo "root-lines: $total lines of code in $(wc -l < "$W/counts") functions run as root in jailsh (limit $LIMIT)"
[ "$total" -le "$LIMIT" ]
