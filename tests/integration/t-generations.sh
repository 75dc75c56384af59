# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16, section 1: `jailctl template add` while jails of the template are
# alive.  A live jail keeps the generation it was built from (its view does
# not change: everything it lists runs), new jails get the new one, a user
# moves at the next login after all their logins ended, `jailctl list` shows
# generations, an old generation is collected only when unused, and a bad
# generation link is refused.  Template "gen" ($T/tpl/gen, users pjt_gna and
# pjt_gnb, shell mode).  Sourced by run.sh (after setup);
# `tests/integration/run.sh generations` runs only this part.

GT=$T/tpl/gen
GB=$(basename "$GT")

# a login held open in the background (sshc's own timeout is 60 s)
hold_login() {
	timeout 900 ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile="$T/known_hosts" \
		-o StrictHostKeyChecking=accept-new -o LogLevel=ERROR -o ConnectTimeout=10 \
		-i "$T/id" -p "$PORT" "$1@127.0.0.1" 'echo HELD; exec sleep 800' >"$T/hold.$1" 2>&1 &
	eval "HOLD_$1=\$!"
	poll_until 30 grep -q HELD "$T/hold.$1"
}
end_login() {
	local v="HOLD_$1"
	kill "${!v}" 2>/dev/null
	wait "${!v}" 2>/dev/null
}
jail_ended() { [ ! -s "$STATE_DIR/$1/state" ] && ! pgrep -x -f "jail-init $1" >/dev/null; }
# gen_sum DIR: every entry with inode, mtime, ctime, size, mode: any write,
# replacement or chmod in DIR changes it (DIR itself without its ctime, which
# the rename into P.gen/0 sets)
gen_sum() {
	(cd "$1" && { stat -c '%i %Y %s %a' .; find . -mindepth 1 -printf '%p %i %T@ %C@ %s %m %l\n' | LC_ALL=C sort; } |
		sha256sum)
}
# what a jail lists in /usr/bin and /bin, and whether each of those runs
# (exit 127/126: listed but not runnable, the issue's symptom)
VIEW='for f in /usr/bin/* /bin/*; do [ -e "$f" ] || continue; "$f" --help </dev/null >/dev/null 2>&1; rc=$?; case $rc in 126|127) echo "BROKEN $f";; esac; echo "LISTS $f"; done'

# ---- a live jail, then `template add TPL tty` ----------------------------------------
check "generations: the template starts as a plain directory (today's layout)" test -d "$GT" -a ! -L "$GT"
hold_login pjt_gna
check "generations: pjt_gna holds a login" grep -q HELD "$T/hold.pjt_gna"
before=$(sshc pjt_gna "$VIEW" 2>&1)
expect_nomatch "generations: pjt_gna's jail has no /usr/bin/tty yet" 'LISTS /usr/bin/tty' "$before"
sum0=$(gen_sum "$GT")
out=$("$JAILCTL" template add "$GT" /usr/bin/tty 2>&1); rc=$?
expect_eq "generations: template add TPL tty while a jail is alive: exit 0" 0 "$rc"
expect_match "generations: ... converts the plain template (the old tree becomes generation 0)" \
	'converted to generations: generation 1 is current' "$out"
expect_eq "generations: ... TPL is now a link to generation 1" "$GB.gen/1" "$(readlink "$GT")"
expect_eq "generations: ... the tree the live jail uses is untouched (inodes, times, sizes, modes)" \
	"$sum0" "$(gen_sum "$GT.gen/0")"
after=$(sshc pjt_gna "$VIEW" 2>&1)
expect_eq "generations: the live jail's view is unchanged" "$before" "$after"
expect_nomatch "generations: ... and consistent: everything it lists runs" 'BROKEN' "$after"
out=$(sshc pjt_gnb '/usr/bin/tty; echo rc=$?' 2>&1)
expect_eq "generations: a new login of another user of TPL runs tty" "$(printf 'not a tty\nrc=1')" "$out"
out=$("$JAILCTL" list 2>&1)
expect_match "generations: jailctl list: the live jail built from the plain tree shows generation 0 (that tree, renamed)" \
	'^pjt_gna +gen +alive .* 0$' "$out"
out=$("$JAILCTL" list --json 2>&1)
expect_match "generations: jailctl list --json: ... generation 0, known" \
	'"user":"pjt_gna","template":"gen",[^}]*"generation":0,"generation_known":true,"linger":0}' "$out"
hold_login pjt_gnb >/dev/null
out=$("$JAILCTL" list 2>&1)
expect_match "generations: jailctl list: the new jail on generation 1" '^pjt_gnb +gen +alive .* 1$' "$out"
out=$("$JAILCTL" list --json 2>&1)
expect_match "generations: jailctl list --json: the generation" '"user":"pjt_gnb","template":"gen",.*"generation":1,"generation_known":true,"linger":0}' "$out"
out=$("$JAILCTL" template generations "$GT" 2>&1)
expect_match "generations: template generations: 0 is old, used by pjt_gna" '^0 +old +pjt_gna$' "$out"
expect_match "generations: template generations: 1 is current, used by pjt_gnb" '^1 +current +pjt_gnb$' "$out"
out=$("$JAILCTL" template gc "$GT" 2>&1); rc=$?
expect_eq "generations: gc while generation 0 is in use: exit 0" 0 "$rc"
expect_match "generations: ... keeps it, naming who uses it" 'generation 0 kept: used by pjt_gna' "$out"
check "generations: ... generation 0 is still there" test -d "$GT.gen/0/bin"

# ---- the next add: generation 1 is live now ------------------------------------------
sum1=$(gen_sum "$GT.gen/1")
before=$(sshc pjt_gnb "$VIEW" 2>&1)
out=$("$JAILCTL" template add "$GT" /usr/bin/tac 2>&1); rc=$?
expect_eq "generations: a second add: exit 0" 0 "$rc"
expect_eq "generations: ... TPL -> generation 2" "$GB.gen/2" "$(readlink "$GT")"
expect_eq "generations: ... generation 1 (live) untouched" "$sum1" "$(gen_sum "$GT.gen/1")"
expect_eq "generations: ... pjt_gnb's live view is unchanged" "$before" "$(sshc pjt_gnb "$VIEW" 2>&1)"

# ---- the user moves at the next login after all their logins ended ------------------------
end_login pjt_gna
check "generations: pjt_gna's logins ended, the jail with them" poll_until 30 jail_ended pjt_gna
out=$(sshc pjt_gna '/usr/bin/tty; /usr/bin/tac </dev/null; echo rc=$?' 2>&1)
expect_eq "generations: pjt_gna's next login gets the current generation" "$(printf 'not a tty\nrc=0')" "$out"
out=$("$JAILCTL" template gc "$GT" 2>&1); rc=$?
expect_eq "generations: gc once generation 0 is unused: exit 0" 0 "$rc"
expect_match "generations: ... removes it" 'removed generation 0' "$out"
expect_match "generations: ... keeps generation 1, which pjt_gnb's live jail uses" \
	'generation 1 kept: used by pjt_gnb' "$out"
check "generations: ... generation 0 is gone, 1 and 2 stay" test ! -e "$GT.gen/0" -a -d "$GT.gen/1" -a -d "$GT.gen/2"
# jailctl stop moves a user at once
"$JAILCTL" stop pjt_gnb >/dev/null 2>&1
end_login pjt_gnb
out=$(sshc pjt_gnb '/usr/bin/tac </dev/null; echo rc=$?' 2>&1)
expect_eq "generations: after jailctl stop, the next login gets the current generation" "rc=0" "$out"

# ---- jailctl gc collects old generations, as template gc decides ---------------------------
# now: generation 1 unused (pjt_gnb moved to 2), 2 current; pjt_gna's jail on 2, then 3 current
hold_login pjt_gna >/dev/null
out=$("$JAILCTL" template add "$GT" /usr/bin/nl 2>&1); rc=$?
expect_eq "generations: a third add while pjt_gna's jail uses 2: exit 0" 0 "$rc"
expect_eq "generations: ... TPL -> generation 3" "$GB.gen/3" "$(readlink "$GT")"
out=$("$JAILCTL" gc 2>&1); rc=$?
expect_eq "generations: jailctl gc: exit 0" 0 "$rc"
expect_match "generations: jailctl gc removes generation 1, which no live jail uses, saying so" \
	"^$GT: removed generation 1\$" "$out"
expect_nomatch "generations: ... and no other generation" 'removed generation [02-9]' "$out"
check "generations: ... 1 is gone, 2 (pjt_gna's live jail) and 3 (current) stay" \
	test ! -e "$GT.gen/1" -a -d "$GT.gen/2/bin" -a -d "$GT.gen/3/bin"
# a jail whose state does not tell its tree (as one built before pam_jail
# recorded generations and identities): list says so, gc removes nothing it may use
STF=$STATE_DIR/pjt_gna/state
cp -p "$STF" "$T/state.pjt_gna"
grep -vE '^(generation|rootfs_id)=' "$T/state.pjt_gna" > "$STF"
out=$("$JAILCTL" list 2>&1)
expect_match "generations: jailctl list: a jail that recorded no identity: 'unknown'" \
	'^pjt_gna +gen +alive .* unknown$' "$out"
out=$("$JAILCTL" list --json 2>&1)
expect_match "generations: jailctl list --json: ... null, not known" \
	'"user":"pjt_gna",[^}]*"generation":null,"generation_known":false,"linger":0}' "$out"
out=$("$JAILCTL" gc 2>&1); rc=$?
expect_eq "generations: jailctl gc beside it: exit 0" 0 "$rc"
check "generations: ... generation 2 stays (the jail may use it)" test -d "$GT.gen/2/bin"
cat "$T/state.pjt_gna" > "$STF"
end_login pjt_gna
check "generations: pjt_gna's login ended, the jail with it" poll_until 30 jail_ended pjt_gna
out=$("$JAILCTL" gc 2>&1); rc=$?
expect_eq "generations: jailctl gc once generation 2 is unused: exit 0" 0 "$rc"
expect_match "generations: ... removes it" "^$GT: removed generation 2\$" "$out"
check "generations: ... never the current one" test -d "$GT.gen/3/bin" -a "$(readlink "$GT")" = "$GB.gen/3"
out=$("$JAILCTL" gc 2>&1); rc=$?
expect_eq "generations: jailctl gc with nothing to collect: exit 0" 0 "$rc"
expect_nomatch "generations: ... says nothing about generations" 'generation' "$out"

# ---- fail closed: a generation link that is not one ---------------------------------------
ln -sfn /usr "$GT"
out=$("$JAILCTL" check 2>&1); rc=$?
expect_eq "generations: a link to a host directory: jailctl check fails" 1 "$rc"
expect_match "generations: ... naming the link (FILE:LINE)" \
	"pam_jail.conf:[0-9]+: template 'gen': .*is a symlink to '/usr', which is not one of its generations" "$out"
out=$(sshc pjt_gna 'echo INSIDE' 2>&1)
expect_nomatch "generations: ... and a login is refused" '^INSIDE$' "$out"
ln -sfn "$GB.gen/3" "$GT"
chown 65534 "$GT.gen/3"
out=$("$JAILCTL" check 2>&1); rc=$?
expect_eq "generations: a generation not owned by root: jailctl check fails" 1 "$rc"
expect_match "generations: ... saying so" "$GT.gen/3' is not owned by root" "$out"
out=$(sshc pjt_gna 'echo INSIDE' 2>&1)
expect_nomatch "generations: ... and a login is refused" '^INSIDE$' "$out"
chown 0 "$GT.gen/3"
out=$(sshc pjt_gna 'echo INSIDE' 2>&1)
expect_match "generations: restored: logins work again" '^INSIDE$' "$out"
stop_jails
