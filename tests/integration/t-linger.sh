# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 15: `linger`.  A template with linger = N keeps a user's jail for N
# seconds after the last logout, so that the next login joins it instead of
# building one (SFTP clients that reconnect, scp loops, backups).  Template
# "linger" (linger = $LINGER), users pjt_lng (shell mode) and pjt_lnc
# (ChrootDirectory mode).  Sourced by run.sh (after setup);
# `tests/integration/run.sh linger` runs only this part.

LINGER=10     # the template's linger (lib.sh: write_config)
L_REAP=3      # helper/jail-init.c: REAP_INTERVAL_S + one 1 s tick

l_ms() { date +%s%3N; }
# l_until MS: sleeps until the clock reads MS (l_ms)
l_until() { local d=$(($1 - $(l_ms))); [ $d -le 0 ] || sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"; }
l_init() { sed -n 's/^pid=//p' "$STATE_DIR/$1/state" 2>/dev/null; }
l_gone() { [ ! -e "$STATE_DIR/$1" ] && ! pgrep -x -f "jail-init $1" >/dev/null && ! pgrep -u "$1" >/dev/null; }
l_idle() { "$JAILCTL" list | grep -Eq "^$1 +linger +idle +0 "; }

out=$("$JAILCTL" check --user pjt_lng 2>&1)
expect_match "linger: jailctl check --user prints the linger" "^  linger $LINGER s after the last logout\$" "$out"
if [ -d /run/systemd/system ]; then
	# (tests/vm/guest-test.sh checks the linger against logind on a systemd host)
	expect_match "linger: jailctl check --user: what ends it, on this systemd host" \
		"^ok: pjt_lng: linger: the jail lives $LINGER s after the last logout \(template 'linger'\), with what the user left running; jailctl stop ends it at once, loginctl terminate-user does not\$" "$out"
else
	expect_match "linger: jailctl check --user: what ends it" \
		"^ok: pjt_lng: linger: the jail lives $LINGER s after the last logout \(template 'linger'\), with what the user left running; jailctl stop ends it at once\$" "$out"
fi

for mode in shell:pjt_lng chroot:pjt_lnc; do
	m=${mode%%:*} u=${mode#*:}
	"$JAILCTL" stop "$u" >/dev/null 2>&1

	# a first login leaves a mark in the jail's /tmp and a process behind
	out=$(sshc "$u" 'echo mark-1 > /tmp/mark; setsid sleep 300 </dev/null >/dev/null 2>&1 & echo OK' 2>&1)
	expect_eq "linger $m: the first login runs" "OK" "$out"
	init1=$(l_init "$u")
	left=$(l_ms)
	# past the reaper's bound for a jail without linger, within the linger
	l_until $((left + (L_REAP + 2) * 1000))
	check "linger $m: the jail outlives its last login (state, same init)" \
		test -n "$init1" -a "$(l_init "$u")" = "$init1"
	check "linger $m: its init is alive" kill -0 "${init1:-0}"
	check "linger $m: what the user left running lives on with it" pgrep -u "$u" -x sleep
	check "linger $m: jailctl list shows it idle" l_idle "$u"
	out=$("$JAILCTL" list --json)
	expect_match "linger $m: jailctl list --json has its linger" \
		"\"user\":\"$u\",\"template\":\"linger\",\"alive\":true,\"logins\":0,.*\"linger\":$LINGER}" "$out"
	"$JAILCTL" gc >/dev/null 2>&1
	check "linger $m: jailctl gc leaves a lingering jail alone" test "$(l_init "$u")" = "$init1"

	# a login within the linger joins the same jail
	l_until $((left + 6000))
	out=$(sshc "$u" 'cat /tmp/mark' 2>&1)
	expect_eq "linger $m: a login within the linger joins the jail (its /tmp)" "mark-1" "$out"
	expect_eq "linger $m: ... and its init" "$init1" "$(l_init "$u")"
	[ $(($(l_ms) - left)) -lt $(((LINGER - 1) * 1000)) ] ||
		not_ok "linger $m: this machine took too long to log in again ($(($(l_ms) - left)) ms)"
	left2=$(l_ms)
	# the linger counts from the last logout: still there 13 s after the
	# first (linger + the reaper's bound), and 7 s after the second
	l_until $((left2 + (LINGER - 3) * 1000))
	check "linger $m: the linger counts from the last logout" test "$(l_init "$u")" = "$init1"
	# and then ends: the init removes the state and every process of the jail
	if poll_until $((L_REAP + 5)) l_gone "$u"; then
		ok "linger $m: the jail ends within linger + ${L_REAP} s of the last logout ($(($(l_ms) - left2)) ms)"
	else
		not_ok "linger $m: the jail ends within linger + ${L_REAP} s of the last logout" \
			"$(ls -la "$STATE_DIR/$u" 2>&1) $(pgrep -a -u "$u")"
	fi

	# a changed config reaches the next login, even while the jail lingers
	out=$(sshc "$u" 'echo mark-2 > /tmp/mark; echo OK' 2>&1)
	init2=$(l_init "$u")
	check "linger $m: a new jail after the end" test -n "$init2" -a "$init2" != "$init1"
	poll_until 5 l_idle "$u"
	sed -i 's/^  linger = '"$LINGER"'$/  linger = '"$LINGER"'\n  tmp_size = "3M"/' "$PREFIX/etc/security/pam_jail.conf"
	out=$(sshc "$u" 'cat /tmp/mark 2>&1; df -k /tmp | tail -n 1' 2>&1)
	expect_nomatch "linger $m: a config changed while the jail idles: the login gets a new jail" '^mark-2$' "$out"
	expect_match "linger $m: ... built from the new config (3M /tmp)" '^tmpfs +3072 ' "$out"
	check "linger $m: ... with a new init" test "$(l_init "$u")" != "$init2"
	check "linger $m: ... and the old one ended" poll_until 5 sh -c "! kill -0 $init2"
	sed -i '/^  tmp_size = "3M"$/d' "$PREFIX/etc/security/pam_jail.conf"

	# jailctl stop ends a lingering jail at once
	poll_until 5 l_idle "$u"
	"$JAILCTL" stop "$u" >/dev/null 2>&1
	check "linger $m: jailctl stop ends a lingering jail at once" l_gone "$u"
done

# a template without linger is unchanged: its jail ends with the last logout
out=$(sshc pjt_bob 'echo OK' 2>&1)
expect_eq "linger: a template without linger (pjt_bob) logs in" "OK" "$out"
check "linger: ... and its jail ends with the last logout" poll_until "$L_REAP" l_gone pjt_bob
