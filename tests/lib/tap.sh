# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP output and assertions shared by the shell test suites (tests/integration/lib.sh,
# tests/template/run.sh).  Source it; it defines N_PASS N_FAIL N_SKIP N_TEST and:
#   log MSG...; ok NAME; not_ok NAME [DETAIL...]; skip NAME WHY (also loud on stderr);
#   check NAME CMD...; expect_eq NAME WANT GOT; expect_match / expect_nomatch NAME REGEX TEXT;
#   expect_match_todo NAME WHY REGEX TEXT (a known, documented hole: an expected failure)
#   known_hole NAME WHY / hole_closed NAME WHY (the two outcomes of a documented hole's
#   test: an expected failure, and - when it no longer opens - a real one)
#   remove_scratch DIR (a suite's scratch directory, never through a mount point)
N_TODO=0
N_PASS=0
N_FAIL=0
N_SKIP=0
N_TEST=0

log() { printf '# %s\n' "$*"; }

ok() {
	N_TEST=$((N_TEST + 1)); N_PASS=$((N_PASS + 1))
	printf 'ok %d - %s\n' "$N_TEST" "$1"
}
not_ok() {
	N_TEST=$((N_TEST + 1)); N_FAIL=$((N_FAIL + 1))
	printf 'not ok %d - %s\n' "$N_TEST" "$1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	return 0
}
skip() {
	N_TEST=$((N_TEST + 1)); N_SKIP=$((N_SKIP + 1))
	printf 'ok %d - %s # SKIP %s\n' "$N_TEST" "$1" "$2"
	printf '#### SKIPPED: %s: %s\n' "$1" "$2" >&2
}
# check NAME CMD...: passes when CMD succeeds
check() {
	local name=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$(printf '%s' "$out" | tail -n 15)"; fi
}
# expect_eq NAME WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want: $(printf %q "$2")" "got:  $(printf %q "$3")"; fi
}
# expect_match NAME REGEX TEXT
expect_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1" "want match: $2" "got: $(printf '%s' "$3" | head -c 800)"; fi
}
# expect_match_todo NAME WHY REGEX TEXT: a known, documented hole.  TAP's TODO
# directive: "not ok ... # TODO WHY" is an expected failure (not counted as
# one); a match means the hole closed: hole_closed, a failure until the test
# becomes a plain one.
expect_match_todo() {
	if printf '%s' "$4" | grep -Eq -- "$3"; then
		hole_closed "$1" "$2"
	else
		N_TEST=$((N_TEST + 1)); N_TODO=$((N_TODO + 1))
		printf 'not ok %d - %s # TODO %s\n' "$N_TEST" "$1" "$2"
		printf '#   want match: %s\n#   got: %s\n' "$3" "$(printf '%s' "$4" | head -c 300)"
	fi
}
# known_hole NAME WHY: the attack worked, as SECURITY.md documents (WHY says
# where): an expected failure, TAP's "not ok ... # TODO", not counted as one.
known_hole() {
	N_TEST=$((N_TEST + 1)); N_TODO=$((N_TODO + 1))
	printf 'not ok %d - %s # TODO %s\n' "$N_TEST" "$1" "$2"
}
# hole_closed NAME WHY: a documented hole did not open this time.  Good news,
# but the test and SECURITY.md must say so now: a failure until they do.
hole_closed() {
	N_TEST=$((N_TEST + 1)); N_FAIL=$((N_FAIL + 1))
	printf 'not ok %d - %s\n#   a known hole is closed now (%s): make this a plain test and update SECURITY.md\n' \
		"$N_TEST" "$1" "$2"
}
expect_nomatch() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then not_ok "$1" "must not match: $2" "got: $(printf '%s' "$3" | head -c 800)"; else ok "$1"; fi
}

# remove_scratch DIR: removes a suite's scratch directory, unless TEST_KEEP=1 or
# something is still mounted below it (then it says so and returns 1: nothing
# is ever deleted through a mount point)
remove_scratch() {
	local dir=$1
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	if [ "${TEST_KEEP:-0}" = 1 ]; then
		echo "# kept $dir"
	elif findmnt -rno TARGET | grep -q "^$dir"; then
		echo "# NOT removing $dir: something is mounted below it" >&2
		return 1
	else
		rm -rf --one-file-system "$dir"
	fi
}
