#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Integration tests: real sshd on 127.0.0.1, real users, real namespaces.
# Run as root from the top of the tree:  make check-integration
# TEST_KEEP=1 keeps the scratch directory; TEST_SSH_PORT picks the port.
source "$(dirname "$0")/lib.sh"

setup || { echo "set-up failed"; exit 1; }
HOST_MNT_NS=$(readlink /proc/self/ns/mnt)
# as a regular expression: "mnt:[N]" taken literally, not as a bracket expression
HOST_MNT_NS_RE=$(printf '%s' "$HOST_MNT_NS" | sed 's/[][]/\\&/g')
HOST_MOUNTS=$(host_mounts)
if [ "${1:-}" = generations ]; then
	# only the template generation tests (issue 16)
	source "$(dirname "$0")/t-generations.sh"
	summary
	exit $?
fi
if [ "${1:-}" = linger ]; then
	# only the linger tests (issue 15)
	source "$(dirname "$0")/t-linger.sh"
	summary
	exit $?
fi
if [ "${1:-}" = lifecycle ]; then
	# only the life-cycle tests (locks, crashes, the reaper)
	source "$(dirname "$0")/t-lifecycle.sh"
	summary
	exit $?
fi

# ---- what a jailed user sees, in both modes ----------------------------------------
for mode in shell:pjt_alice chroot:pjt_carl; do
	m=${mode%%:*} u=${mode#*:}
	out=$(sshc "$u" 'cat /etc/jail-template; id -u; readlink /proc/self/ns/mnt; echo ROOT:$(ls /); test -e /etc/shadow && echo SHADOW; test -e '"$T"' && echo SCRATCH; echo NS:$(ls /proc | grep -c "^[0-9]")' 2>&1)
	expect_match "$m mode: / is the template" '^template-marker$' "$out"
	expect_match "$m mode: runs as the user's uid" "^$(id -u "$u")\$" "$out"
	expect_nomatch "$m mode: not in the host's mount namespace" "^$HOST_MNT_NS_RE\$" "$out"
	expect_nomatch "$m mode: host files are out of sight" 'SHADOW|SCRATCH|ROOT:.*boot' "$out"
	out=$(sshc "$u" 'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)" /proc/self/status' 2>&1)
	expect_eq "$m mode: no capabilities at all, no_new_privs" \
		"$(printf 'CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1')" "$out"
	out=$(sshc "$u" 'mount' 2>&1)
	expect_match "$m mode: / is read-only, nosuid, nodev" '^overlay on / type overlay \(ro,nosuid,nodev' "$out"
	expect_match "$m mode: /tmp is a private tmpfs" '^tmpfs on /tmp type tmpfs \(rw,nosuid,nodev' "$out"
	expect_match "$m mode: /proc is the jail's, hidepid" '^proc on /proc type proc .*hidepid=invisible' "$out"
	out=$(sshc "$u" 'ls -1 /dev | tr "\n" " "; echo; stat -c %a /tmp; touch /etc/x 2>&1 || echo RO' 2>&1)
	expect_match "$m mode: minimal /dev" '^full null ptmx pts random tty urandom zero $' "$(echo "$out" | head -1)"
	expect_match "$m mode: /tmp is 1777" '^1777$' "$out"
	expect_match "$m mode: template not writable" 'RO' "$out"
	rm -f "/home/$u/written-inside"
	sshc "$u" 'echo persisted > ~/written-inside' >/dev/null 2>&1
	expect_eq "$m mode: home writes reach the host" "persisted" "$(cat "/home/$u/written-inside" 2>/dev/null)"
	out=$(sshc "$u" -tt 'tty; ls /dev/pts | tr "\n" " "; echo' 2>&1 | tr -d '\r')
	expect_match "$m mode: the login's terminal is in the jail's devpts" '^/dev/pts/0$' "$out"
	expect_match "$m mode: /dev/pts lists only the user's terminal" '^0 ptmx $' "$out"
	check "$m mode: nothing left after the last logout" wait_gone "$u"
done

# ---- the jail's mount namespace holds only the jail (issue 16, 2) -------------------
# Where "/" is not a shared mount (containers, minimal VMs, this test machine:
# the propagation below) nothing the host does reaches a copied mount namespace:
# a host mount copied when the jail is built would live as long as the jail,
# after the host unmounted it (an sshfs daemon never exits after fusermount -u).
# The tmpfs is mounted before the jail is built, unmounted while the first
# login runs; a second login keeps the jail up after the first is gone.  The
# namespace is read through setns (ns-mountinfo): /proc/INIT/mountinfo alone hides what
# lies outside the init's root.
ROOT_PROPAGATION=$(findmnt -no PROPAGATION / 2>/dev/null)
# (ns-mountinfo: needs no cat inside, where a ChrootDirectory session's root has none)
cc -O2 -o "$T/ns-mountinfo" "$TOP/tests/tools/ns-mountinfo.c" || not_ok "build tests/tools/ns-mountinfo.c"
ns_mountinfo() { "$T/ns-mountinfo" "$1" 2>/dev/null; }
HOSTMNT_SRC=pjt_hostmnt.$$ # unique: other suites may run beside this one
hostmnt_held() {
	grep -ls " $HOSTMNT_SRC " /proc/[0-9]*/mountinfo 2>/dev/null | head -3
	ns_mountinfo "$(jail_init_of pjt_carl)" | grep -q " $HOSTMNT_SRC " && echo "the jail's namespace"
}
hostmnt_gone() { [ -z "$(hostmnt_held)" ]; }
mkdir -p "$T/hostmnt"
if mount -t tmpfs -o size=16k "$HOSTMNT_SRC" "$T/hostmnt"; then
	sshc pjt_carl 'sleep 4' </dev/null >/dev/null 2>&1 &
	bg1=$!
	wait_running pjt_carl 'sleep 4'
	init=$(jail_init_of pjt_carl)
	mi=$(ns_mountinfo "$init")
	expect_match "jail namespace is readable (init '$init')" ' / / ' "$mi"
	expect_nomatch "jail namespace (host / is $ROOT_PROPAGATION): a host mount made before the jail is not in it" \
		" $HOSTMNT_SRC " "$mi"
	expect_eq "jail namespace: only the jail's mounts (/, /dev, /dev/pts, home, bind layer, /proc, /tmp, /var/tmp)" \
		"/ /dev /dev/pts /home/pjt_carl /opt/share /proc /tmp /var/tmp " \
		"$(printf '%s\n' "$mi" | awk '{print $5}' | sort | tr '\n' ' ')"
	if umount "$T/hostmnt"; then ok "the host unmounts its tmpfs while a jail built after it is alive"
	else not_ok "the host unmounts its tmpfs while a jail built after it is alive"; fi
	sshc pjt_carl 'sleep 30' </dev/null >/dev/null 2>&1 &
	bg2=$!
	wait_running pjt_carl 'sleep 30'
	wait "$bg1"
	check "after the host's unmount and the first login's end, nothing keeps the tmpfs (the jail lives on)" \
		poll 15 hostmnt_gone
	[ -n "$(hostmnt_held)" ] && echo "# held by: $(hostmnt_held)"
	pkill -u pjt_carl -f 'sleep 30'; wait "$bg2" 2>/dev/null
	check "host-mount test leaves nothing" wait_gone pjt_carl
else
	not_ok "the host can mount a tmpfs for the jail-namespace test"
fi
umount "$T/hostmnt" 2>/dev/null; rmdir "$T/hostmnt" 2>/dev/null

# ---- a login's processes hold only the jail; its sshd holds no foreign mounts -----
# The user's processes get a mount namespace whose root is the jail alone
# (shell mode: jailsh's pivot_root; ChrootDirectory mode: the setcred hook's
# tmpfs root holding STATE_DIR/U/root), and the login's own namespace, which
# sshd's monitor and jailsh's relay keep using, drops host mounts none of them
# needs (here one under /mnt): after the host unmounts it, nothing holds it
# while the login goes on (an sshfs client exits after fusermount -u).
MNTDIR=/mnt/pjt_hostmnt.$$
MNT_SRC=pjt_mnt.$$
mnt_held() { grep -ls " $MNT_SRC " /proc/[0-9]*/mountinfo 2>/dev/null | head -3; }
user_ns_mounts() { # USER PID: the mount points of PID's namespace, the jail root as /
	ns_mountinfo "$2" | awk '{print $5}' | sed "s|^$STATE_DIR/$1/root||; s|^\$|/|" | sort -u | tr '\n' ' '
}
for m in chroot shell; do
	if [ $m = chroot ]; then u=pjt_carl; else u=pjt_alice; fi
	mkdir -p "$MNTDIR"
	if ! mount -t tmpfs -o size=16k "$MNT_SRC" "$MNTDIR"; then
		not_ok "$m mode: the host can mount a tmpfs under /mnt"; rmdir "$MNTDIR"; continue
	fi
	sshc $u 'sleep 25' </dev/null >/dev/null 2>&1 &
	bg1=$!
	wait_running $u '^sleep 25$'
	upid=$(pgrep -u $u -x sleep | head -1)
	mi=$(ns_mountinfo "$upid")
	expect_match "$m mode: the user's namespace is readable (pid '$upid')" ' / / ' "$mi"
	expect_nomatch "$m mode: a host mount made before the login is not in the user's namespace" " $MNT_SRC " "$mi"
	expect_eq "$m mode: the user's namespace holds the jail's mounts and nothing else" \
		"$(ns_mountinfo "$(jail_init_of $u)" | awk '{print $5}' | sort -u | tr '\n' ' ')" "$(user_ns_mounts $u "$upid")"
	if umount "$MNTDIR"; then ok "$m mode: the host unmounts its tmpfs during the login"
	else not_ok "$m mode: the host unmounts its tmpfs during the login"; fi
	check "$m mode: while the login goes on, nothing holds the unmounted tmpfs (not its sshd, not its processes)" \
		poll 10 test -z "$(mnt_held)"
	[ -n "$(mnt_held)" ] && echo "# held by: $(mnt_held)"
	pkill -u $u -x sleep; wait "$bg1" 2>/dev/null
	umount "$MNTDIR" 2>/dev/null; rmdir "$MNTDIR"
	check "$m mode: host-mount test leaves nothing" wait_gone $u
done

# ---- mode = "overlay": a persistent upper layer per user --------------------------
TPL_SUM=$(find "$T/tpl/web" -printf '%p %s %m\n' | sort | md5sum)
out=$(sshc pjt_ovl 'echo kept > /usr/local/note; touch /bin/x 2>&1 || echo TPL-RO' 2>&1)
expect_match "overlay: the template's own files stay read-only to the user" 'TPL-RO' "$out"
check "overlay: logout leaves nothing running" wait_gone pjt_ovl
out=$(sshc pjt_ovl 'cat /usr/local/note' 2>&1)
expect_eq "overlay: a file written in /usr/local persists across logins" "kept" "$out"
out=$(sshc pjt_ov2 'cat /usr/local/note 2>&1; ls -ld /usr/local | cut -c1-10' 2>&1)
expect_nomatch "overlay: another user of the same template does not see it" '^kept$' "$out"
expect_eq "overlay: the template is unchanged" "$TPL_SUM" "$(find "$T/tpl/web" -printf '%p %s %m\n' | sort | md5sum)"
expect_eq "overlay: the upper layer is root-only on the host" "700 root" "$(stat -c '%a %U' "$T/ovl/pjt_ovl")"
check "overlay: nothing left" wait_gone pjt_ovl
check "overlay (ChrootDirectory mode): nothing left" wait_gone pjt_ov2

# ---- host bind layers ---------------------------------------------------------------
out=$(sshc pjt_carl 'cat /opt/share/f; touch /opt/share/x 2>&1 || echo RO' 2>&1)
expect_match "a host-bind layer is visible inside" '^host-layer$' "$out"
expect_match "a host-bind layer is read-only" 'RO$' "$out"
check "bind layer test leaves nothing" wait_gone pjt_carl
# places host users share (issue 13 item 3): /tmp, /var/tmp, a sticky or a
# group-writable directory, a directory that holds users' homes
install -d -m 1777 "$T/sticky"; install -d -m 0775 "$T/grpw"; install -d -m 0755 "$T/homes"
HOMES_USER=pjt_hp$$; HOMES_USER=${HOMES_USER:0:16}
useradd -M -d "$T/homes/$HOMES_USER" -s /bin/false "$HOMES_USER"
for bad in "/etc" "/home/pjt_free" "$STATE_DIR" "$T/sharelink" "/tmp" "/var/tmp" "/var" "$T/sticky" "$T/grpw" "$T/homes"; do
	ln -sfn "$T/hostshare" "$T/sharelink"
	printf 'template "b" {\n  rootfs = "%s"\n  bind "%s" { }\n}\nstate_dir = "%s"\n' "$T/tpl/web" "$bad" "$STATE_DIR" > "$T/bind.conf"
	out=$("$JAILCTL" -c "$T/bind.conf" check 2>&1)
	expect_match "a bind of '$bad' is refused with FILE:LINE" "^$T/bind.conf:3: template 'b': bind source" "$out"
done
for shared in "/tmp" "$T/sticky" "$T/grpw" "$T/homes"; do
	printf 'template "b" {\n  rootfs = "%s"\n  bind "%s" { target = "/opt/s"\n shared = true }\n}\nstate_dir = "%s"\n' "$T/tpl/web" "$shared" "$STATE_DIR" > "$T/bind.conf"
	out=$("$JAILCTL" -c "$T/bind.conf" check 2>&1)
	expect_match "a bind of '$shared' with shared = true is accepted" "^$T/bind.conf: OK" "$out"
done
userdel "$HOMES_USER" 2>/dev/null
# a directory made group-writable after the config was written: jail
# creation refuses it as well (lib/build.c, open_binds)
# refusals_since LINE REGEX: auth.log's action=refuse lines after LINE, once
# one matches REGEX (ChrootDirectory mode: the client is told nothing)
refusals_since() {
	for _ in $(seq 100); do tail -n +$(($1 + 1)) "$T/auth.log" | grep -Eq -- "$2" && break; sleep 0.1; done
	tail -n +$(($1 + 1)) "$T/auth.log" | grep -a 'action=refuse'
}
chmod 0775 "$T/hostshare"
log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
out=$(sshc pjt_carl 'echo IN' 2>&1)
expect_nomatch "a bind source that became group-writable refuses the login" '^IN$' "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	# (the log escapes quotes in values: \\' )
	pat="bind (source )?\\\\'$T/hostshare\\\\'.* writable by group or others"
	expect_match "... and the log names it" "$pat" "$(refusals_since "$log_at" "$pat")"
fi
chmod 0755 "$T/hostshare"
check "group-writable bind test leaves nothing" wait_gone pjt_carl
rm -rf "$T/sticky" "$T/grpw" "$T/homes"

# ---- homes other users can reach (issue 13 item 4) ----------------------------------
# home_mode_check: "refuse" (default), "warn", "off"; checked at jail creation
chmod 0755 /home/pjt_carl
log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
out=$(sshc pjt_carl 'echo IN' 2>&1)
expect_nomatch "home_mode_check default (refuse): a 0755 home is refused" '^IN$' "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	pat="home \\\\'/home/pjt_carl\\\\' of user \\\\'pjt_carl\\\\' is reachable by other users \\(mode 0755 lets every host user search it\\)"
	expect_match "... and the log says why" "$pat" "$(refusals_since "$log_at" "$pat")"
fi
out=$("$JAILCTL" check --user pjt_carl 2>&1)
expect_match "jailctl check --user names the reachable home" "REFUSED at login: home '/home/pjt_carl' of user 'pjt_carl' is reachable" "$out"
chmod 0710 /home/pjt_carl; chgrp pjt_free /home/pjt_carl
out=$(sshc pjt_carl 'echo IN' 2>&1)
expect_nomatch "home_mode_check refuse: a 0710 home whose group has other members is refused" '^IN$' "$out"
chgrp pjt_carl /home/pjt_carl
out=$(sshc pjt_carl 'echo IN' 2>&1)
expect_match "home_mode_check refuse: a 0710 home of the user's own group is let in" '^IN$' "$out"
check "home test leaves nothing" wait_gone pjt_carl
chmod 0755 /home/pjt_carl
for mode in warn off; do
	sed -i "/^template \"web\" {/a\  home_mode_check = \"$mode\"" "$PREFIX/etc/security/pam_jail.conf"
	log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
	out=$(sshc pjt_carl 'echo IN' 2>&1)
	expect_match "home_mode_check $mode: a 0755 home is let in" '^IN$' "$out"
	check "home_mode_check $mode: nothing left" wait_gone pjt_carl
	if [ "$OWN_DEVLOG" = 1 ]; then
		new_log=$(tail -n +$((log_at + 1)) "$T/auth.log")
		if [ $mode = warn ]; then
			expect_match "home_mode_check warn: the create is logged with a warning" "action=warn user='pjt_carl' template='web' risk=home-reachable reason=\"home \\\\'/home/pjt_carl\\\\' is reachable by other users" "$new_log"
		else
			expect_nomatch "home_mode_check off: no warning" "risk=home-reachable" "$new_log"
		fi
	fi
	write_config
done
chmod 0700 /home/pjt_carl

# ---- sharing between logins, isolation between users -----------------------------
sshc pjt_alice 'echo shared-a > /tmp/a; sleep 6' >/dev/null 2>&1 &
bg1=$!
sshc pjt_bob 'echo secret-b > /tmp/b; sleep 6' >/dev/null 2>&1 &
bg2=$!
wait_running pjt_alice '^sleep 6$'; wait_running pjt_bob '^sleep 6$'
out=$(sshc pjt_alice 'cat /tmp/a; cat /tmp/b 2>&1; ps -o args | grep -c "^sleep 6$"; for p in /proc/[0-9]*; do stat -c %u $p; done | sort -u | tr "\n" " "' 2>&1)
expect_match "second login joins the first one's /tmp" '^shared-a$' "$out"
expect_nomatch "another user's /tmp is not visible" 'secret-b' "$out"
if [ "$(uname -r | awk -F. '{print ($1 > 6 || ($1 == 6 && $2 >= 12))}')" = 1 ]; then
	# landlock "auto" (the default): each login is a Landlock domain of its
	# own, and hidepid=invisible hides what a domain may not ptrace-read
	# (the documented cost, pam_jail.conf(5); tests/security/run.sh has more)
	expect_eq "landlock default: the first login's processes are hidden from the second (documented cost)" "0" "$(echo "$out" | sed -n 3p)"
else
	expect_eq "the first login's processes are visible to the second" "1" "$(echo "$out" | sed -n 3p)"
fi
expect_eq "/proc shows only the user's own processes" "$(id -u pjt_alice) " "$(echo "$out" | sed -n 4p)"
out=$(sshc pjt_alice 'echo $(readlink /proc/self/ns/pid)' 2>&1)
out2=$(sshc pjt_bob 'echo $(readlink /proc/self/ns/pid)' 2>&1)
if [ -n "$out" ] && [ "$out" != "$out2" ]; then ok "each user has a PID namespace of their own"; else not_ok "each user has a PID namespace of their own" "$out vs $out2"; fi
{ sshc pjt_bob -tt 'sleep 5' >/dev/null 2>&1 & } ; wait_running pjt_bob '^sleep 5$'
out=$(sshc pjt_alice -tt 'ls /dev/pts | tr "\n" " "; echo' 2>&1 | tr -d '\r')
expect_match "another user's terminals are not in /dev/pts" '^0 ptmx $' "$out"
expect_eq "host mount table unchanged while jails live" "$HOST_MOUNTS" "$(host_mounts)"
wait $bg1 $bg2
sleep 4
check "alice's jail is gone after her last logout" wait_gone pjt_alice
check "bob's jail is gone after his last logout" wait_gone pjt_bob
expect_eq "host mount table unchanged after logouts" "$HOST_MOUNTS" "$(host_mounts)"

# ---- other ways in --------------------------------------------------------------
out=$(su - pjt_alice -c 'cat /etc/jail-template; echo $0; readlink /proc/self/ns/mnt' 2>&1)
expect_match "su - lands in the jail (no pam_jail in su's stack)" '^template-marker$' "$out"
expect_nomatch "su - is not in the host's mount namespace" "^$HOST_MNT_NS_RE\$" "$out"
check "su - leaves nothing behind" wait_gone pjt_alice
# su - on a terminal: the jailed shell gets a pty of the jail's own devpts
out=$(timeout 30 script -qec "su - pjt_alice -c 'tty; ls /dev/pts | tr \"\\n\" \" \"; echo; exit 7'" /dev/null 2>&1 | tr -d '\r\000'; echo "rc=${PIPESTATUS[0]}")
expect_match "su - on a terminal: tty is in the jail's devpts" '(^|\^@)/dev/pts/0$' "$out"
expect_match "su - on a terminal: /dev/pts lists only the jail's terminal" '^0 ptmx $' "$out"
expect_match "su - on a terminal: the shell's exit status comes back" 'rc=7' "$out"
check "su - on a terminal leaves nothing behind" wait_gone pjt_alice
out=$(su -s "$PREFIX/sbin/jailsh" - pjt_eve -c 'cat /etc/jail-template' 2>&1)
expect_eq "per-user templates: eve gets 'other'" "other-marker" "$out"
check "eve's jail is gone" wait_gone pjt_eve

echo "sftp-data" > "$T/upload.txt"
for u in pjt_alice pjt_carl pjt_dave; do
	rm -f "/home/$u/up.txt"
	out=$(printf 'put %s %s/up.txt\nls /\n' "$T/upload.txt" "/home/$u" | sftpc "$u" -b - 2>&1)
	expect_eq "sftp ($u): upload lands in the home" "sftp-data" "$(cat "/home/$u/up.txt" 2>/dev/null)"
	expect_nomatch "sftp ($u): / is the jail" '/boot|/root' "$out"
	check "sftp ($u): nothing left" wait_gone "$u"
done
out=$(sshc pjt_dave 'cat /etc/passwd' 2>&1)
expect_match "internal-sftp user (group entry) gets no shell" 'only SFTP|This service allows sftp' "$out"

# sftp_log = true: the host's /dev/log in the jail, so that internal-sftp -l INFO
# (ForceCommand for the group pjt_jailed) logs from inside its chroot
logged() { grep -q "$1" "$T/auth.log"; }
if [ "$OWN_DEVLOG" = 1 ]; then
	SFTPLOG_DROPIN=$PREFIX/etc/security/pam_jail.d/55-sftplog.conf
	printf 'user "pjt_dave" { template = "sftplog" }\n' > "$SFTPLOG_DROPIN"
	chmod 0644 "$SFTPLOG_DROPIN"
	rm -f /home/pjt_dave/logged.txt /home/pjt_dave/unlogged.txt
	out=$(printf 'put %s /home/pjt_dave/logged.txt\n' "$T/upload.txt" | sftpc pjt_dave -b - 2>&1)
	expect_eq "sftp_log: the upload works" "sftp-data" "$(cat /home/pjt_dave/logged.txt 2>/dev/null)"
	check "sftp_log: internal-sftp -l INFO logged the upload through the jail's /dev/log" \
		poll 10 logged 'close "/home/pjt_dave/logged.txt" bytes read 0 written 10'
	check "sftp_log: nothing left" wait_gone pjt_dave
	mv /dev/log /dev/log.pjt-moved
	out=$("$JAILCTL" check --user pjt_dave 2>&1); rc=$?
	mv /dev/log.pjt-moved /dev/log
	expect_eq "sftp_log: jailctl check --user fails without a host /dev/log" 1 "$rc"
	expect_match "sftp_log: ... and says why" "REFUSED at login: template 'sftplog': sftp_log: .*/dev/log" "$out"
	rm -f "$SFTPLOG_DROPIN"
	# the same upload with the plain template: nothing reaches the host's log
	printf 'put %s /home/pjt_dave/unlogged.txt\n' "$T/upload.txt" | sftpc pjt_dave -b - >/dev/null 2>&1
	expect_eq "without sftp_log: the upload works" "sftp-data" "$(cat /home/pjt_dave/unlogged.txt 2>/dev/null)"
	check "without sftp_log: nothing left" wait_gone pjt_dave
	# a marker sent after the session ended: once it is in the log, so is all before it
	logger -u /dev/log "pjt-sftplog-marker-$$"
	check "without sftp_log: (the log receiver caught up)" poll 10 logged "pjt-sftplog-marker-$$"
	check "without sftp_log: internal-sftp's lines do not reach the host's log" sh -c "! grep -q 'unlogged.txt' '$T/auth.log'"
else
	skip "sftp_log" "/dev/log already existed; not ours to read"
fi

for u in pjt_alice pjt_carl; do
	rm -f "/home/$u/scp1.txt" "/home/$u/scp2.txt"
	scpc "$T/upload.txt" "$u@127.0.0.1:scp1.txt" >/dev/null 2>&1
	scpc -O "$T/upload.txt" "$u@127.0.0.1:scp2.txt" >/dev/null 2>&1
	expect_eq "scp ($u, sftp protocol)" "sftp-data" "$(cat "/home/$u/scp1.txt" 2>/dev/null)"
	expect_eq "scp ($u, legacy scp -O)" "sftp-data" "$(cat "/home/$u/scp2.txt" 2>/dev/null)"
	out=$(scpc -O "$u@127.0.0.1:/etc/jail-template" /dev/stdout 2>&1)
	expect_eq "scp ($u) reads the jail's files" "template-marker" "$out"
	check "scp ($u): nothing left" wait_gone "$u"
done

# ---- jailctl on live jails ---------------------------------------------------------
sshc pjt_alice 'echo from-login > /tmp/seen-by-admin; sleep 6' >/dev/null 2>&1 &
bg=$!
wait_running pjt_alice '^sleep 6$'
out=$("$JAILCTL" list 2>&1)
expect_match "jailctl list shows the live jail with its login count" '^pjt_alice +web +alive +1 ' "$out"
procs=$(echo "$out" | awk '$1 == "pjt_alice" { print $5 }')
if [ -n "$procs" ] && [ "$procs" -ge 3 ]; then ok "jailctl list counts the jail's processes ($procs)"; else not_ok "jailctl list counts the jail's processes" "$out"; fi
expect_match "jailctl list shows the jail's memory" '^pjt_alice +web +alive +1 +[0-9]+ +[0-9.]+M ' "$out"
out=$("$JAILCTL" list --json 2>&1)
expect_match "jailctl list --json" '"user":"pjt_alice","template":"web","alive":true,"logins":1,"processes":[0-9]+,"rss_kb":[0-9]+' "$out"
out=$("$JAILCTL" enter pjt_alice cat /tmp/seen-by-admin 2>&1)
expect_eq "jailctl enter runs a command inside and sees the jail's /tmp" "from-login" "$out"
out=$("$JAILCTL" enter --as-user pjt_alice sh -c 'id -u; grep CapEff /proc/self/status' 2>&1)
expect_eq "jailctl enter --as-user runs as the user without capabilities" "$(printf '%s\nCapEff:\t0000000000000000' "$(id -u pjt_alice)")" "$out"
out=$("$JAILCTL" enter pjt_bob true 2>&1); rc=$?
expect_match "jailctl enter refuses a user without a live jail" "no (live )?jail for 'pjt_bob'" "$out"
expect_eq "... and exits 1" 1 "$rc"
out=$("$JAILCTL" stop pjt_alice 2>&1)
expect_match "jailctl stop tears a live jail down" '^pjt_alice: torn down$' "$out"
wait $bg
check "jailctl stop ends the login and leaves nothing" wait_gone pjt_alice
# a jail nobody holds (its logins crashed, or a stray `jailctl stop`-less
# state): the jail's init ends it by itself within seconds (t-lifecycle.sh);
# jailctl gc also tears down one that no login holds, when it comes first
mkdir -p -m 0700 "$STATE_DIR/.verified"
printf 'pam_jail-verified 1\n%s\n' $(($(date +%s) - 3600)) > "$STATE_DIR/.verified/0:1"
su - pjt_alice -c 'sleep 30' >/dev/null 2>&1 &
bg=$!
for _ in $(seq 100); do [ -s "$STATE_DIR/pjt_alice/state" ] && break; sleep 0.1; done
init=$(jail_init_of pjt_alice)
# kill -9 of the creator (jailsh's root part) and the user's processes: no
# close of the session runs, no login reference is left
kill -9 $(pgrep -u 0 -f "jailsh -c sleep 30") 2>/dev/null
pkill -KILL -u pjt_alice 2>/dev/null
wait $bg 2>/dev/null
out=$("$JAILCTL" gc 2>&1)
# (a killed init is a zombie until the reaper gets to it: poll)
for _ in $(seq 100); do [ -n "$init" ] && ! kill -0 "$init" 2>/dev/null && break; sleep 0.1; done
if [ -n "$init" ] && ! kill -0 "$init" 2>/dev/null; then
	ok "jailctl gc cleans a jail left by kill -9 (or its init already did)"
else
	not_ok "jailctl gc cleans a jail left by kill -9 (or its init already did)" "init $init alive" "$out"
fi
check "gc leaves nothing" wait_gone pjt_alice
# gc also removes the entries the suite's own logins wrote once they are older
# than template_verify_interval (60 s), which depends on how fast the machine
# reached this point: the count is at least the planted one, never exactly 1
expect_match "jailctl gc removes an expired template verification cache entry" \
	'^removed [1-9][0-9]* stale template verification cache entr(y|ies)$' "$out"
check "... the planted one is gone" test ! -e "$STATE_DIR/.verified/0:1"

# ---- one tenant cannot starve the others: the pty pool (issue 12) -----------------
# Every devpts instance but the host's draws on pty.max - pty.reserve.  Leave
# that pool 80 ptys beyond what is in use, so that a grab without a per-jail
# max= would take them all, and grab from a jail with the default pty_max (64).
PTY_MAX_SAVED=$(cat /proc/sys/kernel/pty/max)
echo $(( $(cat /proc/sys/kernel/pty/nr) + $(cat /proc/sys/kernel/pty/reserve) + 80 )) > /proc/sys/kernel/pty/max
rm -f "$T/ptys.out"
exec 7> >(sshc pjt_alice 'syscalls ptys 200' > "$T/ptys.out" 2>&1)
for _ in $(seq 300); do grep -q '^ptys ' "$T/ptys.out" 2>/dev/null && break; sleep 0.1; done
expect_eq "pty_max: a tenant's pty grab stops at the jail's devpts max (64, ENOSPC)" "ptys 64 28" "$(cat "$T/ptys.out")"
out=$(sshc pjt_carl -tt 'tty' 2>&1 | tr -d '\r')
expect_match "pty_max: meanwhile another tenant's ssh -tt still gets a terminal" '^/dev/pts/0$' "$out"
exec 7>&-
echo "$PTY_MAX_SAVED" > /proc/sys/kernel/pty/max
PTY_MAX_SAVED=""
check "pty_max: the grab ends with its login and leaves nothing" wait_gone pjt_alice
check "pty_max: ... nor of the other tenant" wait_gone pjt_carl

# ---- one tenant cannot pin kernel memory with empty files (issue 12) ---------------
# template "other": tmp_size = "2M", tmp_inodes unset: 2M / 4 KiB = 512 inodes
out=$(sshc pjt_eve 'syscalls files /tmp 5000; syscalls files /var/tmp 5000' 2>&1)
n_tmp=$(echo "$out" | sed -n '1s/^files \([0-9]*\) 28$/\1/p')
n_vtmp=$(echo "$out" | sed -n '2s/^files \([0-9]*\) 28$/\1/p')
if [ -n "$n_tmp" ] && [ "$n_tmp" -le 512 ] && [ "$n_tmp" -ge 256 ]; then
	ok "tmp_inodes: empty files in /tmp stop at the inode bound (got $n_tmp, ENOSPC)"
else
	not_ok "tmp_inodes: empty files in /tmp stop at the inode bound" "$out"
fi
if [ -n "$n_vtmp" ] && [ "$n_vtmp" -le 512 ] && [ "$n_vtmp" -ge 256 ]; then
	ok "tmp_inodes: ... and in /var/tmp (got $n_vtmp, ENOSPC)"
else
	not_ok "tmp_inodes: ... and in /var/tmp" "$out"
fi
check "tmp_inodes: nothing left" wait_gone pjt_eve

# ---- resource limits (template "limited": pids 24, memory 48M, cpu 50%) -----------
# On a systemd host (the VM lab) the limits are the user slice's, set through systemd's
# D-Bus API (docs/DESIGN.md, "cgroups on systemd hosts"); tests/vm/guest-test.sh covers
# them against the stock sshd.  This suite's sshd runs inside the caller's session and
# its stack has no pam_systemd, so no login of it is in a user slice: there a limited
# login must be refused (fail closed), and the cgroupfs tests below do not apply.
if [ -d /run/systemd/system ]; then
	log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
	out=$(sshc pjt_lim 'echo IN' 2>&1)
	expect_nomatch "limits (systemd host): a login outside the user's slice is refused" '^IN$' "$out"
	if [ "$OWN_DEVLOG" = 1 ]; then
		pat="enforces on the user's slice user-$(id -u pjt_lim)\\.slice, and this login is not in it: pam_systemd must come"
		expect_match "... and the log says that pam_systemd must come first" "$pat" "$(refusals_since "$log_at" "$pat")"
	fi
	skip "limits: the cgroupfs tests (pam_jail/USER.N, setcred, issue 12)" \
		"systemd host: limits are the user slice's there (tests/vm/guest-test.sh)"
else
out=$(sshc pjt_lim 'grep -E ":(pids|memory)[:,]|^0::" /proc/self/cgroup' 2>&1)
expect_match "limits: the login's processes are in the jail's cgroup" 'pam_jail/pjt_lim\.[0-9]+' "$out"
out=$("$JAILCTL" check 2>&1)
expect_match "limits: jailctl check accepts limits this host enforces" ': OK \(' "$out"
sshc pjt_lim 'i=0; while [ $i -lt 100 ]; do (sleep 6 &) 2>/dev/null || break; i=$((i+1)); done; echo forked=$i > /tmp/bomb; cat /tmp/bomb; sleep 6' > "$T/bomb.out" 2>&1 &
bomb=$!
sleep 2.5
out=$(sshc pjt_free 'echo host-fine' 2>&1)
expect_eq "limits: during a fork bomb another user still logs in" "host-fine" "$out"
out=$(sshc pjt_alice 'echo jail-fine' 2>&1)
expect_eq "limits: during a fork bomb another jailed user still logs in" "jail-fine" "$out"
wait $bomb
forked=$(sed -n 's/^forked=//p' "$T/bomb.out")
if [ -n "$forked" ] && [ "$forked" -lt 24 ] && [ "$forked" -gt 3 ]; then ok "limits: a fork bomb stops at the pids limit (forked $forked)"; else not_ok "limits: a fork bomb stops at the pids limit" "$(cat "$T/bomb.out")"; fi
sshc pjt_alice 'sleep 6; echo neighbour-alive' > "$T/neighbour.out" 2>&1 &
nb=$!
wait_running pjt_alice '^sleep 6$'
out=$(sshc pjt_lim 'dd if=/dev/zero of=/dev/null bs=96M count=1 2>/dev/null; echo rc=$?' 2>&1)
expect_match "limits: a memory hog is killed inside its cgroup" 'rc=137' "$out"
wait $nb
expect_eq "limits: nothing outside the cgroup is killed" "neighbour-alive" "$(cat "$T/neighbour.out")"
out=$(sshc pjt_lim 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null; echo rc=$?' 2>&1)
expect_eq "limits: small allocations still work" "rc=0" "$out"
# A process that root moves into a limited login's namespace (or a PAM caller
# that never calls setcred in its child) holds the login's own record but is
# outside the jail's cgroup: jailsh refuses it.  The check runs confined, in
# the jail, so its refusal must still reach the log (the jail has no /dev/log).
# (the login is held by a shell waiting in `read` and ends when fd 7 closes)
exec 7> >(sshc pjt_lim 'read x' >/dev/null 2>&1)
ns_pid=$(login_monitor pjt_lim)
expect_match "limits: a live login of pjt_lim's, whose namespace holds its record" '^[0-9]+$' "$ns_pid"
# jailsh as the user, in the login's mount namespace and the jail's PID namespace
# (the monitor's children are in it), run from the cgroups the test is in, or (the
# control) after the test moved it into the jail's own
in_login() {
	nsenter -t "$ns_pid" -m --pid="/proc/$ns_pid/ns/pid_for_children" -- \
		setpriv --reuid pjt_lim --regid pjt_lim --init-groups "$PREFIX/sbin/jailsh" -c 'echo RAN'
}
out=$( (for d in $(cgroups_of pjt_lim); do echo "$BASHPID" > "$d/cgroup.procs"; done; in_login) 2>&1; echo "rc=$?")
expect_match "limits (control): jailsh in the login's namespace and in the jail's cgroup runs the shell" '^RAN$' "$out"
log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
out=$(in_login 2>&1; echo "rc=$?")
expect_nomatch "limits: jailsh in the login's namespace but outside the jail's cgroup runs nothing" '^RAN$' "$out"
expect_match "limits: ... and exits 1" '^rc=1$' "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	pat="user='pjt_lim' template='limited' reason=\"inside the jail but outside its cgroup: the template's limits would not hold\""
	for _ in $(seq 100); do tail -n +$((log_at + 1)) "$T/auth.log" | grep -Fq -- "$pat" && break; sleep 0.1; done
	expect_match "limits: ... and the refusal, made inside the jail, is logged" "$pat" \
		"$(tail -n +$((log_at + 1)) "$T/auth.log"; echo "jailsh said: $out")"
else
	skip "limits: ... and the refusal, made inside the jail, is logged" "/dev/log already existed; not ours to read"
fi
exec 7>&-
out=$(sshc pjt_lim 'syscalls | tr "\n" " "' 2>&1)
expect_eq "seccomp: each blocked syscall fails with EPERM" "keyctl 1 perf_event_open 1 io_uring_setup 1 unshare 1 " "$out"
out=$(sshc pjt_alice 'syscalls | tr "\n" " "' 2>&1)
expect_match "seccomp (control): without the filter they are allowed" "keyctl 0 .*io_uring_setup 0 unshare 0" "$out"
out=$(sshc pjt_lim 'ls / | head -1; ps | head -1; cat /etc/jail-template' 2>&1)
expect_eq "seccomp: ordinary tools still work" "$(printf 'bin\nPID   USER     COMMAND\ntemplate-marker')" "$out"
rm -f /home/pjt_lim/up.txt
printf 'put %s %s/up.txt\n' "$T/upload.txt" /home/pjt_lim | sftpc pjt_lim -b - >/dev/null 2>&1
expect_eq "seccomp: sftp-server still works" "sftp-data" "$(cat /home/pjt_lim/up.txt 2>/dev/null)"
check "limits: nothing left after logout" wait_gone pjt_lim
check "limits: the cgroup is gone after the last logout" no_cgroups_left pjt_lim
sshc pjt_lim 'sleep 30' >/dev/null 2>&1 &
bg=$!
wait_running pjt_lim '^sleep 30$'
kill -9 "$(pgrep -f 'pjt_lim \[priv\]' | head -1)" 2>/dev/null
wait $bg 2>/dev/null
pkill -KILL -u pjt_lim 2>/dev/null; sleep 0.5
"$JAILCTL" gc >/dev/null 2>&1
check "limits: no cgroup left after kill -9 and gc" no_cgroups_left pjt_lim
check "limits: kill -9 and gc leave nothing" wait_gone pjt_lim

# ---- a jail's limits never reach sshd's monitor (issue 12) --------------------------
# pjt_lim: shell mode, pjt_lmc: ChrootDirectory mode, both template "limited"
# (memory 48M, pids 24).  The monitor stays out of the jail's cgroup; the
# session child joins it in pam_sm_setcred.
# A login is held by a shell waiting in `read` (a builtin: no process of its
# own) and ends when the test closes its stdin; busybox runs sleep in-process.
# (the title is "PROGNAME: USER [priv]"; PROGNAME is the service's symlink here)
monitor_of() { pgrep -f ": $1 \[priv\]\$" | head -1; }
wait_for() { local i; for i in $(seq 300); do "$@" && return 0; sleep 0.1; done; return 1; }
login_running() { [ -n "$(monitor_of "$1")" ] && pgrep -u "$1" -x sh >/dev/null; }
# kernel messages after uptime T (the ring buffer may be full and rotating,
# so counting its lines does not find the new ones)
kmsg_since() { dmesg | awk -v s="$1" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 > s + 0) print }'; }
pids_full() {
	local d; d=$(cgroups_of "$1" | grep -m1 pids)
	[ -n "$d" ] && [ "$(cat "$d/pids.current")" -ge "$(cat "$d/pids.max")" ]
}
for u in pjt_lmc pjt_lim; do
	# a fork bomb holds the jail at pids.max; the next login's monitor
	# still forks, and our setcred refuses its session child by name
	sshd_at=$(wc -l < "$T/sshd.log")
	log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
	# the loop stops one short of pids.max or at it; one more fork in
	# the shell itself takes the last one either way
	# (the sleeps must not hold the session's output, or sshd would wait
	# for them after the shell ends)
	exec 9> >(sshc "$u" 'exec 3<&0 </dev/null >/dev/null 2>&1; i=0;
		while [ $i -lt 100 ]; do (sleep 300 3<&- &) || break; i=$((i+1)); done; sleep 300 3<&- & read x <&3' \
		>/dev/null 2>&1)
	if wait_for pids_full "$u"; then
		bomb_mon=$(monitor_of "$u")
		out=$(sshc "$u" 'echo second-login' 2>&1; echo "rc=$?")
		expect_nomatch "$u: at pids.max sshd's monitor still forks the next login's child" \
			'fork of unprivileged child failed' "$(tail -n +$((sshd_at + 1)) "$T/sshd.log")"
		check "$u: ... and the bomb's monitor lives on" kill -0 "$bomb_mon"
		if [ "$OWN_DEVLOG" = 1 ]; then
			expect_match "$u: ... the login is refused by pam_jail, with the reason" \
				"action=refuse user='$u' template='limited' reason=\"the jail is at its pids limit\"" \
				"$(tail -n +$((log_at + 1)) "$T/auth.log")"
		else
			skip "$u: the login is refused by pam_jail, with the reason" "/dev/log already existed"
		fi
	else
		not_ok "$u: a fork bomb reaches pids.max" "$(cgroups_of "$u")"
	fi
	exec 9>&-
	check "$u: after the fork bomb's logout nothing is left" wait_gone "$u"
	check "$u: ... no cgroup either" no_cgroups_left "$u"
	# (a part that failed leaves nothing to confound the next one)
	"$JAILCTL" stop "$u" >/dev/null 2>&1

	kmsg_at=$(cut -d' ' -f1 /proc/uptime)
	log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
	exec 8> >(sshc "$u" 'read x' >/dev/null 2>&1)
	check "$u: a login is up" wait_for login_running "$u"
	mon=$(monitor_of "$u")
	out=$(cat "/proc/${mon:-none}/cgroup" 2>&1)
	expect_match "$u: (the monitor's cgroups can be read)" '^[0-9]+:[^:]*:/' "$out"
	expect_nomatch "$u: sshd's monitor is not in the jail's cgroup" 'pam_jail/' "$out"
	expect_match "$u: the login's processes are" ":/pam_jail/$u\\.[0-9]+" \
		"$(cat "/proc/$(pgrep -u "$u" -x sh | head -1)/cgroup" 2>&1)"
	# tmpfs pages are charged to the cgroup but are in no process's RSS:
	# filling /tmp past the memory limit sets the OOM killer loose in it
	sshc "$u" 'dd if=/dev/zero of=/tmp/fill bs=1M count=200 2>/dev/null; echo rc=$?' > "$T/fill.out" 2>&1
	oom=$(kmsg_since "$kmsg_at" | grep 'Killed process')
	expect_match "$u: filling /tmp past the memory limit ends in the cgroup's OOM killer" 'Killed process' "$oom"
	expect_nomatch "$u: ... which kills no root process (not the monitor, not the init)" 'UID:0 ' "$oom"
	exec 8>&-
	check "$u: after the OOM kills and the logout nothing is left" wait_gone "$u"
	check "$u: ... no cgroup either" no_cgroups_left "$u"
	if [ "$OWN_DEVLOG" = 1 ]; then
		new_log=$(tail -n +$((log_at + 1)) "$T/auth.log" | grep "pam_jail(")
		opened=$(echo "$new_log" | sed -n "s/.*action=\(create\|join\) user='$u' .* pid=\([0-9]*\)\$/\2/p" | sort)
		closed=$(echo "$new_log" | sed -n "s/.*action=leave user='$u' .* pid=\([0-9]*\)\$/\1/p" | sort)
		if [ -n "$opened" ] && [ "$opened" = "$closed" ]; then
			ok "$u: every login's monitor lived to close its session ($(echo $opened))"
		else
			not_ok "$u: every login's monitor lived to close its session" "opened: $opened closed: $closed"
		fi
	else
		skip "$u: every login's monitor lived to close its session" "/dev/log already existed; not ours to read"
	fi

	# (a part that failed leaves nothing to confound the next one)
	"$JAILCTL" stop "$u" >/dev/null 2>&1
done
fi # not a systemd host

# ---- network = "none" (template "other", user pjt_eve) -----------------------------
SECRET_PORT=$((PORT + 11))
FWD_PORT=$((PORT + 12))
serve_secret "$SECRET_PORT"
out=$(sshc pjt_eve 'cat /etc/jail-template; echo | nc -w 2 127.0.0.1 '"$SECRET_PORT"' 2>&1; cat /proc/net/dev | grep -c ":"' 2>&1)
expect_match "network=none: the ssh session works" '^other-marker$' "$out"
expect_nomatch "network=none: the host's loopback services are unreachable" 'HOST-SECRET' "$out"
expect_match "network=none: only the loopback interface exists" '^1$' "$(echo "$out" | tail -1)"
out=$(sshc pjt_alice 'echo | nc -w 2 127.0.0.1 '"$SECRET_PORT"' 2>&1' 2>&1)
expect_match "network=host (control): the host's loopback is reachable" 'HOST-SECRET' "$out"
rm -f /home/pjt_eve/up.txt
printf 'put %s %s/up.txt\n' "$T/upload.txt" /home/pjt_eve | sftpc pjt_eve -b - >/dev/null 2>&1
expect_eq "network=none: sftp works" "sftp-data" "$(cat /home/pjt_eve/up.txt 2>/dev/null)"
check "network=none: nothing left" wait_gone pjt_eve
for fu in pjt_alice:HOST-SECRET pjt_eve:ERR; do
	f=${fu%%:*} want=${fu#*:}
	serve_secret "$SECRET_PORT"
	sshc "$f" -L "127.0.0.1:$FWD_PORT:127.0.0.1:$SECRET_PORT" 'sleep 4' >/dev/null 2>&1 &
	fbg=$!
	wait_running "$f" '^sleep 4$'
	out=$(read_port "$FWD_PORT")
	wait $fbg
	if [ "$f" = pjt_eve ]; then
		expect_nomatch "network=none: ssh -L forwarding from the jailed login goes nowhere" 'HOST-SECRET' "$out"
	else
		expect_match "network=host (control): ssh -L forwarding reaches the host" 'HOST-SECRET' "$out"
	fi
done
check "forwarding tests leave nothing" wait_gone pjt_eve

# ---- abstract unix sockets cross chroots: Landlock scoping in shell mode -----------
ABS=pjt-abs-$$
python3 - "$ABS" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(5)
s.settimeout(20)
try:
    while True:
        c, _ = s.accept()
        c.sendall(b"HOST-ABSTRACT")
        c.close()
except Exception:
    pass
PY
absp=$!
# until it listens (a loaded machine starts python slowly)
for _ in $(seq 300); do grep -q " @$ABS\$" /proc/net/unix && break; sleep 0.1; done
if [ -d /run/systemd/system ]; then
	skip "landlock = true: a host abstract unix socket is out of reach" "systemd host: pjt_lim's limits refuse this suite's logins there (see limits)"
elif [ "$(uname -r | awk -F. '{print ($1 > 6 || ($1 == 6 && $2 >= 12))}')" = 1 ]; then
	out=$(sshc pjt_lim "syscalls abs $ABS" 2>&1)
	expect_match "landlock = true: a host abstract unix socket is out of reach" '^abstract-connect 1$' "$out"
else
	skip "landlock = true: abstract unix sockets out of reach" "kernel $(uname -r) has no Landlock scoping (needs 6.12)"
fi
out=$(sshc pjt_alice "syscalls abs $ABS" 2>&1)
if [ "$(uname -r | awk -F. '{print ($1 > 6 || ($1 == 6 && $2 >= 12))}')" = 1 ]; then
	expect_match "landlock default (\"auto\"): a host abstract unix socket is out of reach" '^abstract-connect 1$' "$out"
else
	expect_match "(control) landlock \"auto\" on a kernel without scoping reaches it: the documented residual risk" 'HOST-ABSTRACT' "$out"
fi
out=$(sshc pjt_eve "syscalls abs $ABS" 2>&1)
expect_nomatch "network=none: a host abstract unix socket is out of reach" 'HOST-ABSTRACT' "$out"
out=$(su pjt_free -s /bin/sh -c "$T/syscalls abs $ABS" 2>&1)
expect_match "(control) an unjailed user reaches it" 'HOST-ABSTRACT' "$out"
kill $absp 2>/dev/null; wait $absp 2>/dev/null
check "abstract socket tests leave nothing" wait_gone pjt_alice

# ---- who is not jailed -----------------------------------------------------------
out=$(sshc pjt_free 'readlink /proc/self/ns/mnt' 2>&1)
expect_eq "an unnamed user is left alone" "$HOST_MNT_NS" "$out"
out=$(sshc root 'readlink /proc/self/ns/mnt' 2>&1)
expect_eq "root is never jailed" "$HOST_MNT_NS" "$out"
out=$(su root -c 'id -u' 2>&1)
expect_eq "root's su is untouched" "0" "$out"

# ---- crashes ---------------------------------------------------------------------
# kill -9 of sshd's monitor: pam_close_session never runs; the jail's init
# ends the jail once the session's last process is gone (no gc needed)
sshc pjt_alice 'echo before-crash > /tmp/crash; sleep 30' >/dev/null 2>&1 &
bg=$!
wait_running pjt_alice '^sleep 30$'
mon=$(pgrep -f 'pjt_alice \[priv\]' | head -1)
init=$(jail_init_of pjt_alice)
if [ -n "$mon" ]; then kill -9 "$mon"; fi
pkill -KILL -u pjt_alice 2>/dev/null
wait $bg 2>/dev/null
crash_gone() { for _ in $(seq 150); do [ -n "$init" ] && ! kill -0 "$init" 2>/dev/null && [ ! -e "$STATE_DIR/pjt_alice" ] && return 0; sleep 0.1; done; return 1; }
check "after kill -9 of sshd the jail ends by itself within seconds" crash_gone
out=$(sshc pjt_alice 'cat /etc/jail-template; cat /tmp/crash 2>&1' 2>&1)
expect_match "and the next login gets a fresh jail" '^template-marker$' "$out"
expect_nomatch "... with nothing of the crashed one" 'before-crash' "$out"
check "and its logout cleans everything up" wait_gone pjt_alice

sshc pjt_alice 'sleep 30' >/dev/null 2>&1 &
bg=$!
wait_running pjt_alice '^sleep 30$'
init=$(jail_init_of pjt_alice)
[ -n "$init" ] && kill -9 "$init"
wait $bg 2>/dev/null
out=$(sshc pjt_alice 'cat /etc/jail-template' 2>&1)
expect_eq "after kill -9 of the jail's init the next login rebuilds it" "template-marker" "$out"
check "rebuilt jail cleaned up" wait_gone pjt_alice

# a stale state left by a crash (dead init) never blocks a login
mkdir -p "$STATE_DIR/pjt_bob" && chmod 700 "$STATE_DIR/pjt_bob"
printf 'version=1\npid=999999\nstart=1\npidns=1\nnsflags=0\ncreated=0\ntemplate=web\n' > "$STATE_DIR/pjt_bob/state"
out=$(sshc pjt_bob 'cat /etc/jail-template' 2>&1)
expect_eq "a stale state file does not block the login" "template-marker" "$out"
check "stale state removed after logout" wait_gone pjt_bob

# ---- systemd's per-user manager (user@.service) --------------------------------------
# The drop-in's ExecCondition: exit 1 (systemd skips the unit) for jailed users.
# systemd itself is only in the VM lab (tests/vm); here the decision is tested.
um() { "$JAILCTL" user-manager "$@" 2>&1; echo "rc=$?"; }
out=$(um pjt_alice)
expect_match "user-manager: a jailed user gets no systemd user manager (exit 1)" 'rc=1$' "$out"
expect_match "user-manager: ... and is told which rule jails them, FILE:LINE" \
	"pjt_alice is jailed \(template 'web', user 'pjt_alice' at $PREFIX/etc/security/pam_jail.conf:[0-9]+\)" "$out"
expect_match "user-manager: the uid (user@UID.service's %i) works as well" 'rc=1$' "$(um "$(id -u pjt_alice)")"
expect_match "user-manager: a user jailed through a group: exit 1" 'rc=1$' "$(um pjt_dave)"
expect_match "user-manager: a user jailed by a drop-in file: exit 1" 'rc=1$' "$(um pjt_bob)"
expect_match "user-manager: a user the config does not jail: exit 0" '^rc=0$' "$(um pjt_free)"
expect_match "user-manager: root: exit 0" '^rc=0$' "$(um 0)"
out=$(um 3999999)
expect_match "user-manager: an unknown uid is refused (exit 1), fail closed" 'rc=1$' "$out"
expect_match "user-manager: ... with a message" 'user-manager: .*refused' "$out"
expect_match "user-manager: no config file at all jails nobody: exit 0" '^rc=0$' \
	"$("$JAILCTL" -c "$T/no-such.conf" user-manager pjt_alice 2>&1; echo "rc=$?")"
out=$(runuser -u pjt_free -- "$JAILCTL" user-manager pjt_alice 2>&1; echo "rc=$?")
expect_match "user-manager: needs root" 'needs root' "$out"
out=$("$JAILCTL" check --user pjt_alice 2>&1)
if [ -d /run/systemd/system ]; then
	# (the VM lab's guests: the drop-in is the package's, tests/vm/guest-test.sh)
	expect_match "jailctl check: a user-manager line for the user (systemd host)" \
		'^(ok|risk|warning): pjt_alice: user-manager: ' "$out"
else
	expect_match "jailctl check: a user-manager line for the user (no systemd here)" \
		'^ok: pjt_alice: user-manager: systemd is not pid 1' "$out"
fi

# host services that run files of the home as the user, outside the jail
expect_match "jailctl check: a home-runners line for the user" '^(ok|warning): pjt_alice: home-runners: ' "$out"
sshc pjt_alice 'echo "|/bin/sh -c id" > ~/.forward && echo written' > "$T/fwd.out" 2>&1
expect_eq "a jailed user can write ~/.forward from inside the jail" "written" "$(cat "$T/fwd.out")"
out=$("$JAILCTL" check --user pjt_alice 2>&1)
expect_match "jailctl check: ~/.forward of a jailed user is reported (a mail server runs it outside)" \
	'^(warning|risk): pjt_alice: home-runners: ~/.forward in the home: a mail server' "$out"
rm -f /home/pjt_alice/.forward
made_spool=""
[ -d /var/spool/cron ] || made_spool=/var/spool/cron
[ -n "$made_spool" ] || [ -d /var/spool/cron/crontabs ] || made_spool=/var/spool/cron/crontabs
mkdir -p /var/spool/cron/crontabs
echo '* * * * * id' > /var/spool/cron/crontabs/pjt_alice
out=$("$JAILCTL" check --user pjt_alice 2>&1)
rm -f /var/spool/cron/crontabs/pjt_alice
[ -n "$made_spool" ] && rm -r "$made_spool"
expect_match "jailctl check: a crontab of a jailed user is a risk (cron runs it outside the jail)" \
	'^risk: pjt_alice: home-runners: /var/spool/cron/crontabs/pjt_alice exists' "$out"
check "home-runners test leaves nothing" wait_gone pjt_alice

# ---- bad input fails closed -----------------------------------------------------
CONF=$PREFIX/etc/security/pam_jail.conf
cp "$CONF" "$T/good.conf"
printf 'state_dir = "%s"\nuser "pjt_alice" { template = "web" \nuser "pjt_carl" { template = "nope" }\n' "$STATE_DIR" > "$CONF"
out=$("$JAILCTL" check 2>&1); rc=$?
expect_match "jailctl check names FILE:LINE of a broken config" "^$CONF:[0-9]+: " "$out"
[ $rc -ne 0 ] && ok "jailctl check exits non-zero on a broken config" || not_ok "jailctl check exits non-zero on a broken config"
expect_match "broken config: user-manager refuses a user it mentions (exit 1)" 'config error, user refused.*rc=1 ?$' \
	"$(um pjt_alice | tr '\n' ' ')"
expect_match "broken config: user-manager spares a user it does not mention (exit 0)" '^rc=0$' "$(um pjt_free)"
REFUSED='login refused: jail could not be set up \(ref [0-9a-f]{6}\)'
# ref_of TEXT: the ref of the refusal line in TEXT
ref_of() { printf '%s' "$1" | sed -nE 's/.*login refused: jail could not be set up \(ref ([0-9a-f]{6})\).*/\1/p' | tail -n 1; }
out=$(sshc pjt_alice 'echo INSIDE' 2>&1)
expect_nomatch "broken config: a jailed user is refused (shell mode)" 'INSIDE' "$out"
expect_match "broken config: the ssh client shows one refusal line with a ref" "^pam_jail: $REFUSED\$" "$out"
expect_nomatch "broken config: the ssh client is not told the reason" "config error|$CONF" "$out"
ref_ssh=$(ref_of "$out")
out=$(sshc pjt_alice -tt 'echo INSIDE' 2>&1 | tr -d '\r')
expect_match "broken config: an interactive ssh login shows the refusal line too" "^pam_jail: $REFUSED\$" "$out"
# ChrootDirectory mode: OpenSSH prints the session stage's PAM messages only
# after it chrooted, and a refused login has no jail root; the account stage
# (account required pam_jail.so) refuses first, and sshd sends its messages
# as a banner, which ssh shows at its default LogLevel (INFO)
out=$(SSH_LOGLEVEL=INFO sshc pjt_carl 'echo INSIDE' 2>&1 | tr -d '\r')
expect_nomatch "broken config: a jailed user is refused (chroot mode)" 'INSIDE' "$out"
expect_match "broken config (chroot mode): the ssh client shows the refusal line" "^pam_jail: $REFUSED\$" "$out"
expect_nomatch "broken config (chroot mode): the ssh client is not told the reason" "config error|$CONF" "$out"
ref_chroot=$(ref_of "$out")
if [ "$OWN_DEVLOG" = 1 ]; then
	for _ in $(seq 100); do grep -q "ref=${ref_chroot:-none}" "$T/auth.log" && break; sleep 0.1; done
	expect_match "broken config (chroot mode): the client's ref is on the account stage's refusal line with the reason" \
		"pam_jail\($SERVICE:account\): action=refuse user='pjt_carl' reason=\"config error: $CONF:[0-9]+:.*\" ref=${ref_chroot:-none}\$" "$(cat "$T/auth.log")"
fi
out=$(su - pjt_alice -c 'echo INSIDE' 2>&1)
expect_nomatch "broken config: su - of a jailed user is refused" 'INSIDE' "$out"
expect_match "broken config: jailsh shows the refusal line with a ref on stderr" "^jailsh: $REFUSED\$" "$out"
expect_nomatch "broken config: jailsh does not tell a non-root caller the reason" "config error|$CONF" "$out"
ref_su=$(ref_of "$out")
if [ "$OWN_DEVLOG" = 1 ]; then
	# the receiver writes each datagram as it comes: wait for both
	for _ in $(seq 100); do
		grep -q "ref=${ref_ssh:-none}" "$T/auth.log" && grep -q "ref=${ref_su:-none}" "$T/auth.log" && break
		sleep 0.1
	done
	expect_match "broken config: the ssh client's ref is on the module's log line with the reason" \
		"pam_jail\(sshd-pamjail-test:session\): action=refuse user='pjt_alice' reason=\"config error: $CONF:[0-9]+:.*\" ref=${ref_ssh:-none}\$" "$(cat "$T/auth.log")"
	expect_match "broken config: jailsh's ref is on its log line with the reason" \
		"jailsh\[[0-9]+\]: action=refuse user='pjt_alice' reason=\"config error: $CONF:[0-9]+:.*\" ref=${ref_su:-none}\$" "$(cat "$T/auth.log")"
else
	skip "broken config: the refs are on the log lines" "/dev/log already existed; not ours to read"
fi
out=$(sshc pjt_free 'echo FREE' 2>&1)
expect_eq "broken config: an unnamed user still logs in" "FREE" "$out"
out=$(sshc root 'echo ROOT' 2>&1)
expect_eq "broken config: root still logs in" "ROOT" "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	sleep 0.3
	expect_match "broken config: the auth log names FILE:LINE" "pam_jail\($SERVICE:account\): action=refuse user='pjt_carl' reason=\"config error: $CONF:[0-9]+:" "$(cat "$T/auth.log")"
else
	skip "broken config: the auth log names FILE:LINE" "/dev/log already existed; not ours to read"
fi
# names as libconfuse reads them: an escape (\x65 is 'e') and a continued line in a
# file that does not parse; a comment counts too when the file does not parse
printf 'state_dir = "%s"\ntemplate "web" { rootfs = "%s"\nuser "pjt_fr\\x65e" { template = "web" }\n' \
	"$STATE_DIR" "$T/tpl/web" > "$CONF"
out=$(sshc pjt_free 'echo FREE' 2>&1)
expect_nomatch "broken config: a user named with a libconfuse escape is refused" 'FREE' "$out"
printf 'state_dir = "%s"\n/* pjt_free */ template "web" {\n' "$STATE_DIR" > "$CONF"
out=$(sshc pjt_free 'echo FREE' 2>&1)
expect_nomatch "unparsable config: a user named only in a comment is refused" 'FREE' "$out"
# a file libconfuse reads, whose check fails: only user/group titles count
printf 'state_dir = "%s"\n# pjt_free\nuser "pjt_fr\\\n\\145e" { template = "nope" }\n' "$STATE_DIR" > "$CONF"
out=$(sshc pjt_free 'echo FREE' 2>&1)
expect_nomatch "failing check: a user named with a continued line and an octal escape is refused" 'FREE' "$out"
printf 'state_dir = "%s"\n# pjt_free\nuser "pjt_carl" { template = "nope" }\n' "$STATE_DIR" > "$CONF"
out=$(sshc pjt_free 'echo FREE' 2>&1)
expect_eq "failing check: a user named only in a comment still logs in" "FREE" "$out"

# the config file itself must be trustworthy
cp "$T/good.conf" "$CONF"
chmod 0666 "$CONF"
out=$(sshc pjt_carl 'echo INSIDE' 2>&1)
expect_nomatch "world-writable config: jailed user refused" 'INSIDE' "$out"
out=$(sshc pjt_free 'echo FREE' 2>&1)
expect_nomatch "world-writable config: nobody but root trusted (unnamed user refused too)" 'FREE' "$out"
chmod 0644 "$CONF"

# sshd and the config disagree about a user (issue 14, LDAP finding 5: sshd's
# Match Group saw a directory's cached groups, pam_jail the fresh ones): the
# config jails pjt_free in ChrootDirectory mode (its shell is /bin/sh), the
# suite's sshd has no ChrootDirectory for it.  The login must not reach the
# host's tree: the setcred hook gave the session child a root that holds the
# jail alone, so the shell does not even start.
touch "$T/host-only-marker"
{ cat "$T/good.conf"; printf 'user "pjt_free" { template = "web" }\n'; } > "$CONF"
out=$(sshc pjt_free "test -e $T/host-only-marker && echo ON-HOST; echo RAN" 2>&1)
expect_nomatch "sshd without ChrootDirectory for a ChrootDirectory-mode user: the login never runs on the host's tree" \
	'ON-HOST|RAN' "$out"
check "... and leaves nothing" wait_gone pjt_free
cp "$T/good.conf" "$CONF"
out=$(sshc pjt_free "test -e $T/host-only-marker && echo ON-HOST" 2>&1)
expect_eq "(control) once the config no longer jails it, the user is on the host" "ON-HOST" "$out"

# ChrootDirectory mode needs the setcred hook (above): without the auth line
# the login is refused, with or without limits
cp "/etc/pam.d/$SERVICE" "$T/pam.saved"
sed -i '/^auth .*pam_jail\.so/d' "/etc/pam.d/$SERVICE"
out=$(sshc pjt_carl 'echo INSIDE' 2>&1)
expect_nomatch "ChrootDirectory mode without the setcred hook: refused" 'INSIDE' "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	expect_match "... and the auth log says why" \
		"action=refuse user='pjt_carl' template='web' reason=\"ChrootDirectory mode needs 'auth optional pam_jail.so'" \
		"$(cat "$T/auth.log")"
fi
cp "$T/pam.saved" "/etc/pam.d/$SERVICE"
check "... leaving nothing" wait_gone pjt_carl

# A refusal that only the session stage finds (here a template with limits
# and no 'auth optional pam_jail.so' line) still reaches no ChrootDirectory-
# mode client: OpenSSH prints the session's PAM messages from the session
# child, which it forks after ChrootDirectory (session.c), and the refused
# login has no jail root (pam_jail(8), "What a refused user sees").  Shell mode shows it.
cp "/etc/pam.d/$SERVICE" "$T/pam.saved"
sed -i '/^auth .*pam_jail\.so/d' "/etc/pam.d/$SERVICE"
out=$(SSH_LOGLEVEL=INFO sshc pjt_lmc 'echo INSIDE' 2>&1 | tr -d '\r')
expect_nomatch "limits without the setcred hook: refused (chroot mode)" 'INSIDE' "$out"
expect_match_todo "limits without the setcred hook (chroot mode): the ssh client shows the refusal line" \
	"OpenSSH prints session-stage PAM messages only after ChrootDirectory (pam_jail(8), 'What a refused user sees')" \
	"^pam_jail: $REFUSED\$" "$out"
out=$(SSH_LOGLEVEL=INFO sshc pjt_lim 'echo INSIDE' 2>&1 | tr -d '\r')
expect_nomatch "limits without the setcred hook: refused (shell mode)" 'INSIDE' "$out"
expect_match "limits without the setcred hook (shell mode): the ssh client shows the refusal line" "^pam_jail: $REFUSED\$" "$out"
cp "$T/pam.saved" "/etc/pam.d/$SERVICE"
for u in pjt_lmc pjt_lim; do check "limits without the setcred hook: nothing left ($u)" wait_gone "$u"; done

# missing template, missing home
sed -E "s|rootfs +=  *\"$T/tpl/other\"|rootfs = \"$T/tpl/missing\"|" "$T/good.conf" > "$CONF"
check "missing template: the test config really points at a missing rootfs" grep -q "tpl/missing" "$CONF"
out=$("$JAILCTL" check 2>&1)
expect_match "missing template: jailctl check names the line" "^$CONF:[0-9]+: template 'other': rootfs" "$out"
out=$(su - pjt_eve -c 'echo INSIDE' 2>&1)
expect_nomatch "missing template: its user is refused" 'INSIDE' "$out"
cp "$T/good.conf" "$CONF"
mv /home/pjt_carl /home/pjt_carl.moved
out=$(sshc pjt_carl 'echo INSIDE' 2>&1)
expect_nomatch "missing home: login refused" 'INSIDE' "$out"
out=$("$JAILCTL" check --user pjt_carl 2>&1); rc=$?
expect_eq "missing home: jailctl check --user exits 1" 1 "$rc"
expect_match "missing home: jailctl check --user says the login is refused and why" \
	"^  REFUSED at login: home of user 'pjt_carl'" "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	expect_match "missing home: the auth log says why" "action=refuse user='pjt_carl' template='web' reason=\"home of user \\\\'pjt_carl\\\\'" "$(cat "$T/auth.log")"
fi
mv /home/pjt_carl.moved /home/pjt_carl
check "refused logins leave nothing" wait_gone pjt_carl

# a template that fails verify's security checks is never used; jail
# creation walks it at most every template_verify_interval seconds unless a
# user could have changed it (tests/template covers those rules), so the
# admin's chmod is seen after `jailctl check`, which walks and refreshes
check "the logins so far left a verification cache entry for the template" \
	test -s "$STATE_DIR/.verified/$(printf '%x:%s' "$(stat -c %d "$T/tpl/web")" "$(stat -c %i "$T/tpl/web")")"
check "jailctl list does not take the cache for a jail" sh -c "! '$JAILCTL' list | grep -q verified"
chmod u+s "$T/tpl/web/bin/busybox"
out=$("$JAILCTL" check 2>&1); rc=$?
expect_eq "jailctl check fails on a template with a setuid file" 1 "$rc"
expect_match "jailctl check names the template's line and the file" \
	"^$CONF:[0-9]+: template 'web' fails verification \(its users are refused\): .*bin/busybox: setuid" "$out"
out=$(sshc pjt_carl 'echo INSIDE' 2>&1)
expect_nomatch "a template with a setuid file refuses the login" 'INSIDE' "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	expect_match "the auth log names the offending file" "action=refuse user='pjt_carl' template='web' reason=\"template \\\\'web\\\\' fails verification: .*bin/busybox.*setuid" "$(cat "$T/auth.log")"
fi
chmod u-s "$T/tpl/web/bin/busybox"
# a file name cannot forge a field of the line that names it
EVIL="$T/tpl/web/bin/x' user='root' \"q\\"
touch "$EVIL" && chmod 4755 "$EVIL"
"$JAILCTL" check >/dev/null 2>&1
out=$(sshc pjt_carl 'echo INSIDE' 2>&1)
expect_nomatch "a template with a setuid file named like a log field refuses the login" 'INSIDE' "$out"
if [ "$OWN_DEVLOG" = 1 ]; then
	line=$(grep -a "action=refuse user='pjt_carl' template='web' reason=.*bin/x" "$T/auth.log" | tail -n 1)
	expect_match "a forged file name is in the refusal line, escaped" "bin/x\\\\' user\\\\x3d\\\\'root\\\\' \\\\\"q\\\\\\\\: setuid" "$line"
	expect_eq "a forged file name leaves exactly one user= in the line" 1 "$(printf '%s' "$line" | grep -o 'user=' | wc -l)"
else
	skip "a forged file name is in the refusal line, escaped" "/dev/log already existed; not ours to read"
fi
rm -f "$EVIL"
"$JAILCTL" check >/dev/null 2>&1
check "a refused template leaves nothing" wait_gone pjt_carl
# jailctl check --user/--all-users answer with the checks a login makes
# (jail_inputs_open), not just the mapping: a device node refuses every login
mknod "$T/tpl/web/pjt-sda" b 8 0
mkfifo -m 0644 "$T/tpl/web/pjt-fifo"
out=$("$JAILCTL" check --user pjt_carl 2>&1); rc=$?
expect_eq "jailctl check --user: exit 1 for a template with a device node" 1 "$rc"
expect_match "jailctl check --user: says the login is refused and why" \
	"^  REFUSED at login: template 'web' fails verification: .*pjt-(sda|fifo)" "$out"
expect_match "jailctl check --user: lists every problem (the device node)" "^  pjt-sda: block device node 8:0$" "$out"
expect_match "jailctl check --user: lists every problem (the fifo)" "^  pjt-fifo: fifo" "$out"
expect_nomatch "jailctl check --user: no OK for a refused login" "OK" "$out"
out=$("$JAILCTL" check --all-users 2>&1); rc=$?
expect_eq "jailctl check --all-users: exit 1 when a user would be refused" 1 "$rc"
expect_match "jailctl check --all-users: flags the refused users" \
	"^pjt_alice: template 'web' .*"$'\n'"  REFUSED at login: template 'web' fails verification" "$out"
expect_match "jailctl check --all-users: counts them" "jailed users, [1-9][0-9]* refused at login$" "$out"
out=$(sshc pjt_carl 'echo INSIDE' 2>&1)
expect_nomatch "... and the login is indeed refused" 'INSIDE' "$out"
rm -f "$T/tpl/web/pjt-sda" "$T/tpl/web/pjt-fifo"
out=$("$JAILCTL" check --user pjt_carl 2>&1); rc=$?
expect_eq "jailctl check --user: exit 0 once the template is fixed" 0 "$rc"
expect_match "jailctl check --user: says the login would go ahead" "^  login  OK" "$out"
check "the device-node template test leaves nothing" wait_gone pjt_carl

# jailsh takes no options from a non-root caller: they go to the jailed shell
out=$(su pjt_alice -s /bin/sh -c "$PREFIX/sbin/jailsh -c 'cat /etc/jail-template'" 2>&1)
expect_eq "jailsh run directly by the user enters their own jail" "template-marker" "$out"
out=$(su pjt_alice -s /bin/sh -c "$PREFIX/sbin/jailsh --config /tmp/evil -c 'echo \$0'" 2>&1)
expect_nomatch "jailsh: a --config option never reaches privileged code" 'template-marker|/tmp/evil:' "$out"
out=$("$PREFIX/sbin/jailsh" -c 'echo hi' 2>&1)
expect_match "jailsh refuses root" 'root is never jailed' "$out"
check "jailsh tests leave nothing" wait_gone pjt_alice

# The login record (include/jail/login-record.h): the host's file is empty;
# jailsh takes a record only when it names the caller and jailsh's own mount
# namespace.  Records made by root here, in namespaces of the test's own,
# each wrong in one way; jailsh must refuse each and run nothing.
REC=$PREFIX/libexec/pam_jail/login
expect_eq "the login record on the host is an empty root-owned file" "0 root 644" "$(stat -c '%s %U %a' "$REC")"
record_case() { # NAME UID_OF MNTNS_MODE [OWNER [CGROUP]]: run jailsh as pjt_alice under a forged record
	unshare -m --propagation private sh -c '
		ns=$(stat -L -c %i /proc/self/ns/mnt)
		[ "$3" = other ] && ns=$((ns + 1))
		printf "pam_jail-login 3\nuser=%s\nuid=%s\nhome=/home/%s\nmntns=%s\nstate_dir=%s\ntemplate=web\nshell=/bin/sh\nseccomp=0\nlandlock=false\ncgroup=%s\n" \
			"$1" "$(id -u "$1")" "$1" "$ns" "$4" "$8" > "$5/forged-record"
		chown "$6" "$5/forged-record"
		mount --bind "$5/forged-record" "$2"
		setpriv --reuid pjt_alice --regid pjt_alice --init-groups "$7" -c "echo RAN" 2>&1; echo "rc=$?"' \
		sh "$1" "$REC" "$2" "$STATE_DIR" "$T" "${3:-root}" "$PREFIX/sbin/jailsh" "${4:--}"
}
for c in "pjt_alice other" "pjt_bob same" "pjt_alice same pjt_alice"; do
	set -- $c
	out=$(record_case "$1" "$2" "${3:-root}")
	expect_nomatch "jailsh refuses a login record (user $1, $2 namespace, owner ${3:-root}): runs nothing" 'RAN' "$out"
	expect_match "jailsh refuses a login record (user $1, $2 namespace, owner ${3:-root}): exit 1" '^rc=1$' "$out"
done
rm -f "$T/forged-record"
if [ "$OWN_DEVLOG" = 1 ]; then
	for _ in $(seq 100); do grep -q "holds a login record" "$T/auth.log" && break; sleep 0.1; done
	expect_match "jailsh's refusal of a forged login record is logged" \
		"jailsh\[[0-9]+\]: action=refuse uid=$(id -u pjt_alice) reason=\"$REC holds a login record that is not this login's\"" "$(cat "$T/auth.log")"
else
	skip "jailsh's refusal of a forged login record is logged" "/dev/log already existed; not ours to read"
fi
check "login record tests leave nothing" wait_gone pjt_alice
# without the file the record is bound over: shell mode is refused (jailsh
# could not tell its login), ChrootDirectory mode does not need it
mv "$REC" "$REC.away"
out=$("$JAILCTL" check --user pjt_alice 2>&1)
expect_match "jailctl check: a missing login record file refuses a shell-mode user" \
	"REFUSED at login: $REC \(jailsh's login record\) is missing, not a root-owned file, or not empty" "$out"
out=$(sshc pjt_alice 'echo INSIDE' 2>&1)
expect_nomatch "a shell-mode login without the login record file is refused" 'INSIDE' "$out"
out=$(sshc pjt_carl 'cat /etc/jail-template' 2>&1)
expect_eq "a ChrootDirectory-mode login works without the login record file" "template-marker" "$out"
mv "$REC.away" "$REC"
echo junk > "$REC"
out=$("$JAILCTL" check --user pjt_alice 2>&1)
expect_match "jailctl check: a login record file that is not empty on the host refuses a shell-mode user" \
	"REFUSED at login: $REC \(jailsh's login record\)" "$out"
out=$(su pjt_alice -s /bin/sh -c "$PREFIX/sbin/jailsh -c 'echo RAN'" 2>&1)
expect_nomatch "junk in the host's login record file: jailsh run without pam_jail refuses" 'RAN' "$out"
out=$(sshc pjt_alice 'cat /etc/jail-template' 2>&1)
expect_eq "junk in the host's login record file: an sshd login's own record covers it" "template-marker" "$out"
: > "$REC"
out=$(sshc pjt_alice 'cat /etc/jail-template' 2>&1)
expect_eq "with the file back, the shell-mode login works" "template-marker" "$out"
check "missing login record tests leave nothing" wait_gone pjt_alice
check "... nor of pjt_carl" wait_gone pjt_carl

# jailctl check --user / --all-users; drop-ins
out=$("$JAILCTL" check --user pjt_bob 2>&1)
expect_match "jailctl check --user names the drop-in that jails the user" "^pjt_bob: template 'web' \(by user 'pjt_bob' at $PREFIX/etc/security/pam_jail.d/50-bob.conf:2\)" "$out"
out=$("$JAILCTL" check --all-users 2>&1)
expect_match "jailctl check --all-users lists users named directly" "^pjt_alice: template 'web'" "$out"
expect_match "jailctl check --all-users lists users named through a group" "^pjt_dave: template 'web' \(by group 'pjt_jailed'" "$out"
expect_nomatch "jailctl check --all-users leaves out unnamed users" "^pjt_free:" "$out"
DROPIN=$PREFIX/etc/security/pam_jail.d/60-broken.conf
printf '\nuser "pjt_zed" {\n\ttemplate = "nope"\n}\n' > "$DROPIN"
out=$("$JAILCTL" check 2>&1)
expect_eq "a drop-in's error names that file and line" "$DROPIN:3: user 'pjt_zed': undefined template 'nope'" "$out"
out=$(sshc pjt_bob 'echo INSIDE' 2>&1)
expect_nomatch "a broken drop-in refuses the users it names" 'INSIDE' "$out"
out=$(sshc pjt_free 'echo FREE' 2>&1)
expect_eq "a broken drop-in spares unnamed users" "FREE" "$out"
rm -f "$DROPIN"
out=$(sshc pjt_bob 'cat /etc/jail-template' 2>&1)
expect_eq "a user named in a drop-in is jailed" "template-marker" "$out"
check "drop-in tests leave nothing" wait_gone pjt_bob

# A relayed shell that cannot start: its child has lost jailsh's (or
# jail-login's) syslog connection to close_range, and the jail has no
# /dev/log to make another, so it hands the log line to the relay's parent.
# Both relays: jail-login's (su - without pam_jail.so in su's stack) and
# jailsh's own (jailsh in a login namespace of the module's, as with
# pam_jail.so in su's or login's stack; the login held by ssh -N).
BOB_DROPIN=$PREFIX/etc/security/pam_jail.d/50-bob.conf
cp "$BOB_DROPIN" "$T/50-bob.conf.saved"
printf 'template "noshell" {\n  rootfs = "%s"\n  shell = "/bin/pjt-no-such-shell"\n}\nuser "pjt_bob" { template = "noshell" }\n' \
	"$T/tpl/web" > "$BOB_DROPIN"
expect_match "relayed shell that cannot start: jailctl check warns that jailsh cannot run that shell" \
	"50-bob.conf:1: warning: template 'noshell': shell '/bin/pjt-no-such-shell' is not an executable in" \
	"$("$JAILCTL" check 2>&1)"
for how in jail-login jailsh; do
	log_at=$(wc -l < "$T/auth.log" 2>/dev/null || echo 0)
	hold=""
	if [ "$how" = jail-login ]; then
		out=$(su - pjt_bob -c 'echo RAN' </dev/null 2>&1; echo "rc=$?")
	else
		timeout 60 ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile="$T/known_hosts" \
			-o StrictHostKeyChecking=accept-new -o LogLevel=ERROR -i "$T/id" -p "$PORT" -N \
			pjt_bob@127.0.0.1 </dev/null >/dev/null 2>&1 &
		hold=$!
		mon=$(login_monitor pjt_bob)
		out=$(nsenter -t "$mon" -m -- su pjt_bob -s "$PREFIX/sbin/jailsh" -c 'echo RAN' </dev/null 2>&1; echo "rc=$?")
	fi
	expect_match "relayed shell that cannot start ($how): exit 127, nothing run" '^rc=127$' "$out"
	if [ "$OWN_DEVLOG" = 1 ]; then
		# (jail-login logs as jailsh, which it was started by)
		pat="jailsh\\[[0-9]+\\]: user 'pjt_bob': cannot run '/bin/pjt-no-such-shell' in the jail: No such file or directory ref=[0-9a-f]{6}\$"
		for _ in $(seq 50); do tail -n +$((log_at + 1)) "$T/auth.log" | grep -Eq -- "$pat" && break; sleep 0.1; done
		expect_match "relayed shell that cannot start ($how): the relay's parent logs why" "$pat" \
			"$(tail -n +$((log_at + 1)) "$T/auth.log"; echo "said: $out")"
		ref=$(printf '%s\n' "$out" | sed -nE 's/.*\(ref ([0-9a-f]{6})\)$/\1/p' | tail -1)
		expect_match "relayed shell that cannot start ($how): the user's ref is the logged one" \
			"cannot run .* ref=${ref:-none}\$" "$(tail -n +$((log_at + 1)) "$T/auth.log")"
	else
		skip "relayed shell that cannot start ($how): the relay's parent logs why" "/dev/log already existed; not ours to read"
	fi
	[ -n "$hold" ] && { kill "$hold" 2>/dev/null; wait "$hold" 2>/dev/null; }
	check "relayed shell that cannot start ($how): nothing left" wait_gone pjt_bob
done
cp "$T/50-bob.conf.saved" "$BOB_DROPIN"
out=$("$JAILCTL" check --user pjt_dave 2>&1)
expect_match "jailctl check --user resolves a group entry" "^pjt_dave: template 'web' \(by group 'pjt_jailed'" "$out"
out=$("$JAILCTL" check --user pjt_free 2>&1)
expect_eq "jailctl check --user: unnamed user" "pjt_free: not jailed" "$out"

# ---- jailctl check audits the host (issue 13) ------------------------------------------
# One "SEVERITY: [USER: ]CHECK: message" line per finding; --sshd-config points
# sshd -T at the suite's own sshd config, as an admin would at /etc/ssh's.
# --sshd: the program the suite starts sshd by (OpenSSH <= 9.7 takes its PAM
# service from that name).
audit() { "$JAILCTL" check --sshd "${AUDIT_SSHD:-${SSHD_CMD[0]}}" --sshd-config "${AUDIT_SSHD_CONFIG:-$T/sshd_config}" "$@" 2>&1; }
out=$(audit --user pjt_carl)
expect_match "audit: a ChrootDirectory-mode user whose sshd chroots into the jail root is fine" \
	"^ok: pjt_carl: sshd-chroot: ChrootDirectory is the jail root $STATE_DIR/pjt_carl/root$" "$out"
expect_match "audit: names the login shell's mode" "^ok: pjt_carl: shell: ChrootDirectory mode \(login shell /bin/sh\)$" "$out"
expect_nomatch "audit: no sftp/forwarding risk for a user sshd chroots into the jail" "risk: pjt_carl: sshd-(sftp|forwarding)" "$out"
# a jailed user that sshd does not chroot and whose shell is not jailsh
AUDIT_DROPIN=$PREFIX/etc/security/pam_jail.d/65-audit.conf
printf 'user "pjt_free" { template = "web" }\n' > "$AUDIT_DROPIN"; chmod 0644 "$AUDIT_DROPIN"
out=$(audit --user pjt_free)
expect_match "audit: a jailed user without ChrootDirectory whose shell is not jailsh is a risk" \
	"^risk: pjt_free: sshd-chroot: ChrootDirectory is none, not the jail root $STATE_DIR/pjt_free/root, and the login shell is not jailsh" "$out"
out=$(audit)
expect_match "audit: plain check audits every jailed user too" "^risk: pjt_free: sshd-chroot: " "$out"
rm -f "$AUDIT_DROPIN"
# shell mode: sshd's forwarding and internal-sftp run outside the jail root
out=$(audit --user pjt_alice)
expect_match "audit: names shell mode" "^ok: pjt_alice: shell: shell mode" "$out"
expect_match "audit: shell mode + AllowStreamLocalForwarding is a risk" \
	"^risk: pjt_alice: sshd-forwarding: AllowStreamLocalForwarding is on without ChrootDirectory" "$out"
expect_match "audit: shell mode + AllowTcpForwarding on a host-network template is a risk" \
	"^risk: pjt_alice: sshd-forwarding: AllowTcpForwarding without ChrootDirectory and template 'web' shares the host network" "$out"
expect_nomatch "audit: Subsystem sftp-server (through the login shell) is no risk" "pjt_alice: sshd-sftp" "$out"
out=$(audit --user pjt_eve)
expect_nomatch "audit: TCP forwarding of a network = \"none\" template is no risk" "risk: pjt_eve: sshd-forwarding: AllowTcp" "$out"
sed -e 's|^Subsystem sftp .*|Subsystem sftp internal-sftp|' -e 's|^AllowTcpForwarding yes|DisableForwarding yes|' \
	"$T/sshd_config" > "$T/sshd_config.audit"
out=$(AUDIT_SSHD_CONFIG=$T/sshd_config.audit audit --user pjt_alice)
expect_match "audit: shell mode + Subsystem sftp internal-sftp is a risk" \
	"^risk: pjt_alice: sshd-sftp: Subsystem sftp is internal-sftp without ChrootDirectory" "$out"
expect_nomatch "audit: DisableForwarding yes ends the forwarding risks" "pjt_alice: sshd-forwarding" "$out"
# everything else sshd's own process does for a shell-mode user (issue 13, item 5)
# audit_cfg NAME LINE...: $T/sshd_config.NAME is LINEs (global: sshd takes
# the first value it reads) before the suite's config
audit_cfg() {
	local name=$1; shift
	{ printf '%s\n' "$@"; cat "$T/sshd_config"; } > "$T/sshd_config.$name"
}
audit_cfg x11 "X11Forwarding yes" "PermitUserEnvironment yes"
out=$(AUDIT_SSHD_CONFIG=$T/sshd_config.x11 audit --user pjt_alice)
expect_match "audit: shell mode + X11Forwarding is a risk (sshd runs xauth outside the jail root, with the user's variables)" \
	"^risk: pjt_alice: sshd-x11: X11Forwarding is on without ChrootDirectory: .*LD_PRELOAD" "$out"
expect_match "audit: shell mode + AllowAgentForwarding (sshd's default) is a risk (the socket in the host's /tmp)" \
	"^risk: pjt_alice: sshd-agent: AllowAgentForwarding is on without ChrootDirectory" "$out"
expect_nomatch "audit: ... and there is no 'nothing of sshd's reaches the host' line then" "pjt_alice: sshd-paths" "$out"
out=$(audit --user pjt_carl)
expect_nomatch "audit: the agent and X11 are no risk for a user sshd chroots into the jail" "pjt_carl: sshd-(x11|agent)" "$out"
audit_cfg tun "DisableForwarding yes" "PermitTunnel yes"
out=$(AUDIT_SSHD_CONFIG=$T/sshd_config.tun audit --user pjt_alice)
expect_match "audit: shell mode + PermitTunnel is a risk even with DisableForwarding (which does not cover it)" \
	"^risk: pjt_alice: sshd-forwarding: PermitTunnel is on without ChrootDirectory and template 'web' shares the host network" "$out"
expect_nomatch "audit: DisableForwarding ends the X11 and agent risks" "pjt_alice: sshd-(x11|agent)" "$out"
audit_cfg subsys "Subsystem files internal-sftp"
out=$(AUDIT_SSHD_CONFIG=$T/sshd_config.subsys audit --user pjt_alice)
expect_match "audit: internal-sftp under any subsystem name (the client picks it) is a risk" \
	"^risk: pjt_alice: sshd-sftp: Subsystem files is internal-sftp without ChrootDirectory" "$out"
audit_cfg permit "PermitOpen none" "PermitListen none"
out=$(AUDIT_SSHD_CONFIG=$T/sshd_config.permit audit --user pjt_alice)
expect_nomatch "audit: AllowTcpForwarding with PermitOpen none and PermitListen none is no TCP risk" \
	"pjt_alice: sshd-forwarding: AllowTcp" "$out"
audit_cfg authinfo "ExposeAuthInfo yes"
out=$(AUDIT_SSHD_CONFIG=$T/sshd_config.authinfo audit --user pjt_alice)
expect_match "audit: shell mode + ExposeAuthInfo is a warning (sshd's file in the host's /tmp)" \
	"^warning: pjt_alice: sshd-authinfo: ExposeAuthInfo is on without ChrootDirectory" "$out"
{ cat "$T/sshd_config"; printf 'Match User pjt_alice\n\tChrootDirectory %s/%%u/root\n' "$STATE_DIR"; } > "$T/sshd_config.jsch"
out=$(AUDIT_SSHD_CONFIG=$T/sshd_config.jsch audit --user pjt_alice)
expect_match "audit: ChrootDirectory for a jailsh user is a warning (jailsh cannot run inside the jail)" \
	"^warning: pjt_alice: sshd-chroot: ChrootDirectory is the jail root $STATE_DIR/pjt_alice/root, but the login shell is jailsh" "$out"
# a PAM service without the module: sshd's process joins no namespace of the
# jail, so network = "none" does not hold its forwarding (the service: argv[0]
# up to OpenSSH 9.7, PAMServiceName from 9.8)
ln -sf "$SSHD_BIN" "$T/$SERVICE-nojail"
sed "s/^PAMServiceName .*/PAMServiceName $SERVICE-nojail/" "$T/sshd_config" > "$T/sshd_config.nojail"
out=$(AUDIT_SSHD=$T/$SERVICE-nojail AUDIT_SSHD_CONFIG=$T/sshd_config.nojail audit --user pjt_eve)
expect_match "audit: sshd's PAM service without pam_jail.so: TCP forwarding of a network = \"none\" user is a risk" \
	"^risk: pjt_eve: sshd-forwarding: AllowTcpForwarding without ChrootDirectory and sshd's PAM service '$SERVICE-nojail' does not load pam_jail.so" "$out"
out=$(AUDIT_SSHD_CONFIG=$T/nonexistent audit --user pjt_alice); rc=$?
expect_match "audit: sshd -T failing is a warning" "^warning: pjt_alice: sshd: cannot read sshd's settings: " "$out"
expect_eq "audit: ... and check goes on (exit 0)" 0 "$rc"
# the home: 0755 lets every host user reach a socket in it
ALICE_HOME=$(getent passwd pjt_alice | cut -d: -f6)
chmod 0755 "$ALICE_HOME"
out=$(audit --user pjt_alice)
expect_match "audit: a 0755 home is a risk" "^risk: pjt_alice: home: home $ALICE_HOME has mode 0755" "$out"
chmod 0700 "$ALICE_HOME"
out=$(audit --user pjt_alice)
expect_match "audit: a 0700 home is fine" "^ok: pjt_alice: home: home $ALICE_HOME has mode 0700$" "$out"
chmod 0755 "$ALICE_HOME"
# PAM services: the suite's own sshd service has both lines; another one of ours
# holds only the session line
cat > "/etc/pam.d/$SERVICE-other" <<CONF
# pam_jail integration tests (jailctl check); removed at the end of the run
auth     required pam_permit.so
session  required $PREFIX/lib/security/pam_jail.so
CONF
out=$(audit)
expect_match "audit: names a service that holds the module" "^ok: pam-service: service '$SERVICE' holds pam_jail.so \(session and auth\)$" "$out"
expect_match "audit: a service without 'auth optional pam_jail.so' (templates with limits) is a warning" \
	"^warning: pam-auth: service '$SERVICE-other' has no 'auth optional pam_jail.so' line" "$out"
expect_nomatch "audit: ... not for the service that has it" "pam-auth: service '$SERVICE' " "$out"
expect_match "audit: a service other than sshd's holding the module is a warning" \
	"^warning: pam-other-service: service '$SERVICE-other' is not the one sshd uses \('$SERVICE'\)" "$out"
expect_nomatch "audit: ... but not sshd's own service" "pam-other-service: service '$SERVICE' " "$out"
expect_match "audit: the kernel's Landlock ABI" "^(ok|warning): kernel-landlock: Landlock ABI [0-9]+" "$out"
expect_match "audit: the cgroup version" "^ok: kernel-cgroup: cgroup v[12] " "$out"
expect_match "audit: the TIOCSTI setting" "^(ok|warning): kernel-tiocsti: " "$out"
expect_match "audit: a summary line" "^audit: [0-9]+ ok, [0-9]+ warnings?, [0-9]+ risks?$" "$out"
json=$("$JAILCTL" check --all-users --json --sshd "${SSHD_CMD[0]}" --sshd-config "$T/sshd_config" 2>/dev/null)
check "audit: --json is one valid JSON document" sh -c 'printf "%s" "$1" | python3 -m json.tool >/dev/null' - "$json"
out=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 1 and d["config_ok"] is True
for f in d["findings"]:
    print("%s %s %s" % (f["severity"], f["check"], f["user"]))
print("summary %d" % sum(d["summary"].values()), len(d["findings"]))
' 2>&1)
expect_match "audit: --json has the forwarding risk" "^risk sshd-forwarding pjt_alice$" "$out"
expect_match "audit: --json has the home risk" "^risk home pjt_alice$" "$out"
expect_match "audit: --json has the agent risk" "^risk sshd-agent pjt_alice$" "$out"
expect_match "audit: --json has the PAM warning (host findings have user null)" "^warning pam-auth None$" "$out"
# (with the 0755 home above, home_mode_check's default refuses the login: risk)
expect_match "audit: --json has the login check of --all-users" "^(ok|risk) login pjt_alice$" "$out"
expect_match "audit: --json's summary counts every finding" "^summary ([0-9]+) \1$" "$out"
chmod 0700 "$ALICE_HOME"   # as add_user made it (home_mode_check = "refuse")
rm -f "/etc/pam.d/$SERVICE-other"

# ---- the documented sshd set-up (conf/sshd_config.d-pam_jail.conf, issue 13) ------------
# The shipped snippet, its groups mapped to the suite's users (jailed: the
# ChrootDirectory-mode users, sftponly: pjt_jailed, jailsh: the shell-mode
# users) and /run/pam_jail to STATE_DIR, after the suite's global settings
# (which allow every forwarding), in a second sshd on a port of its own.
SNIP_PORT=$((PORT + 13))
SNIP=$TOP/conf/sshd_config.d-pam_jail.conf
{
	sed -n '/^Match /q;p' "$T/sshd_config" | sed -e "s/^Port .*/Port $SNIP_PORT/" -e "s|^PidFile .*|PidFile $T/sshd-snippet.pid|"
	sed -e "s#/run/pam_jail/#$STATE_DIR/#" \
		-e 's/^Match Group jailed$/Match User pjt_carl,pjt_lmc,pjt_ov2,pjt_lnc/' \
		-e 's/^Match Group sftponly$/Match Group pjt_jailed/' \
		-e 's/^Match Group jailsh$/Match User pjt_alice,pjt_bob,pjt_eve,pjt_lim,pjt_ovl,pjt_gna,pjt_gnb,pjt_lng/' "$SNIP"
} > "$T/sshd_config.snippet"
expect_eq "the snippet: its three Match blocks are the ones this test maps" \
	"3 0" "$(grep -c '^Match User pjt_\|^Match Group pjt_jailed$' "$T/sshd_config.snippet") $(grep -c '/run/pam_jail/%u\|^Match Group \(jailed\|sftponly\|jailsh\)$' "$T/sshd_config.snippet")"
out=$("$JAILCTL" check --sshd "${SSHD_CMD[0]}" --sshd-config "$T/sshd_config.snippet" 2>&1)
# (on a systemd host, the VM lab's guests, also the user-manager lines aside: the
# user@.service drop-in that keeps jailed users from having a systemd --user is the
# package's and names the package's jailctl; this suite's jailctl is a build in a
# scratch prefix that no drop-in names, so check rightly reports the risk there.
# tests/vm/guest-test.sh checks that line with the package installed.)
risks=$(printf '%s\n' "$out" | grep '^risk: ' | grep -v ': abstract-sockets: ')
[ -d /run/systemd/system ] && risks=$(printf '%s\n' "$risks" | grep -v '^risk: [^:]*: user-manager: ')
# (and on a kernel without Landlock scoping, < 6.12 as Debian 12's 6.1 in the VM lab, the
# config risk: the suite's template "limited" has landlock = true, which check rightly
# calls an error there, "its users are refused"; that line is checked instead)
if [ "$(uname -r | awk -F. '{print ($1 > 6 || ($1 == 6 && $2 >= 12))}')" != 1 ]; then
	expect_match "the snippet: on kernel $(uname -r) check names the landlock = true template's error" \
		"template 'limited': landlock = true, but this kernel has no Landlock scoping" "$out"
	risks=$(printf '%s\n' "$risks" | grep -v '^risk: config: .* has errors (printed above): the users it names are refused$')
fi
if [ -z "$risks" ]; then
	ok "the snippet: jailctl check prints no risk line (kernel-dependent abstract-sockets aside)"
else
	not_ok "the snippet: jailctl check prints no risk line (kernel-dependent abstract-sockets aside)" \
		"risks: $risks" "check's other lines: $(printf '%s\n' "$out" | grep -v '^ok: ' | head -n 12)"
fi
expect_nomatch "the snippet: ... and no sshd warning for any jailed user" "^warning: [^:]+: sshd" "$out"
expect_match "the snippet: sshd's own work stays off the host's tree for a shell-mode user" "^ok: pjt_alice: sshd-paths: " "$out"
expect_match "the snippet: ChrootDirectory mode for the others" "^ok: pjt_carl: sshd-chroot: ChrootDirectory is the jail root" "$out"
expect_match "the snippet: ... and the SFTP-only tenants" "^ok: pjt_dave: sshd-chroot: ChrootDirectory is the jail root" "$out"
"${SSHD_CMD[0]}" -D -f "$T/sshd_config.snippet" -E "$T/sshd-snippet.log" &
SNIP_SSHD=$!
snip_up() { [ -s "$T/sshd-snippet.pid" ] && (exec 3<>/dev/tcp/127.0.0.1/$SNIP_PORT) 2>/dev/null; }
check "the snippet: sshd starts with it" poll 10 snip_up
# a host unix socket (a stand-in for docker.sock, the D-Bus system bus...) that
# only sshd's unchrooted process can reach: the jail root has no such path
HOST_SOCK=$T/host.sock
python3 - "$HOST_SOCK" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.listen(5)
s.settimeout(60)
try:
    while True:
        c, _ = s.accept()
        c.sendall(b"HOST-UNIX-SECRET\n")
        c.close()
except Exception:
    pass
PY
SOCK_SRV=$!
poll 10 test -S "$HOST_SOCK"
RSOCK=/tmp/pjt-rsock-$$
rm -f "$RSOCK"
# read_unix SOCKET: what a connection to SOCKET reads ("EMPTY", "ERR ...")
read_unix() {
	python3 - "$1" <<'PY'
import socket, sys
try:
    c = socket.socket(socket.AF_UNIX)
    c.settimeout(10)
    c.connect(sys.argv[1])
    print(c.recv(100).decode().strip() or "EMPTY")
except Exception as e:
    print("ERR", type(e).__name__)
PY
}
# fwd_unix PORT USER: USER's `ssh -L LOCAL:$HOST_SOCK` through the sshd on
# PORT; prints what a connection to LOCAL reads, then ssh's messages (at
# LogLevel INFO, where ssh says "open failed").  The
# login lasts until its stdin (a fifo we hold) closes.
fwd_unix() {
	local port=$1 user=$2 lsock=$T/fwd-$2.sock bg
	rm -f "$lsock" "$T/fwd.in"
	mkfifo "$T/fwd.in"
	exec 8<>"$T/fwd.in"
	PORT=$port SSH_LOGLEVEL=INFO sshc "$user" -L "$lsock:$HOST_SOCK" 'read x' <"$T/fwd.in" >"$T/fwd.out" 2>&1 8>&- &
	bg=$!
	if poll 30 test -S "$lsock"; then read_unix "$lsock"; else echo "no local socket"; fi
	exec 8>&-
	wait "$bg"
	rm -f "$lsock" "$T/fwd.in"
	cat "$T/fwd.out"
}
# control: the suite's own sshd allows unix-socket forwarding (the audit's
# sshd-forwarding risk above): the attack works there
out=$(fwd_unix "$PORT" pjt_alice)
expect_match "permissive sshd (control): ssh -L reaches a host unix socket from a shell-mode user" '^HOST-UNIX-SECRET$' "$out"
sshc pjt_alice -o ExitOnForwardFailure=yes -R "$RSOCK:127.0.0.1:$PORT" 'sleep 5' >/dev/null 2>&1 &
bg=$!
if poll 30 test -S "$RSOCK" && [ "$(stat -c %U "$RSOCK")" = pjt_alice ]; then
	ok "permissive sshd (control): ssh -R makes the user's socket in the host's /tmp"
else
	not_ok "permissive sshd (control): ssh -R makes the user's socket in the host's /tmp" "$(ls -l "$RSOCK" 2>&1)"
fi
wait "$bg"
rm -f "$RSOCK"
# with the snippet: refused, for a shell-mode and a ChrootDirectory-mode user
for u in pjt_alice pjt_carl; do
	out=$(fwd_unix "$SNIP_PORT" "$u")
	expect_nomatch "the snippet: ssh -L to a host unix socket is refused ($u)" 'HOST-UNIX-SECRET' "$out"
	expect_match "the snippet: ... by sshd, as forwarding is off ($u)" 'open failed|administratively prohibited' "$out"
	out=$(PORT=$SNIP_PORT sshc "$u" -o ExitOnForwardFailure=yes -R "$RSOCK:127.0.0.1:$PORT" true 2>&1)
	if [ ! -e "$RSOCK" ] && printf '%s' "$out" | grep -q 'forwarding failed'; then
		ok "the snippet: ssh -R makes no socket on the host ($u)"
	else
		not_ok "the snippet: ssh -R makes no socket on the host ($u)" "$out" "$(ls -l "$RSOCK" 2>&1)"
	fi
	rm -f "$RSOCK"
done
serve_secret "$SECRET_PORT"
out=$(PORT=$SNIP_PORT SSH_LOGLEVEL=INFO sshc pjt_alice -W "127.0.0.1:$SECRET_PORT" </dev/null 2>&1)
expect_nomatch "the snippet: ssh -W to a host TCP port is refused (shell mode)" 'HOST-SECRET' "$out"
expect_match "the snippet: ... by sshd (shell mode)" 'open failed|administratively prohibited' "$out"
out=$(PORT=$SNIP_PORT sshc pjt_alice 'cat /etc/jail-template' 2>&1)
expect_eq "the snippet: a shell-mode login works" "template-marker" "$out"
out=$(PORT=$SNIP_PORT sshc pjt_carl 'cat /etc/jail-template' 2>&1)
expect_eq "the snippet: a ChrootDirectory-mode login works" "template-marker" "$out"
kill "$SOCK_SRV" "$SNIP_SSHD" 2>/dev/null; wait "$SOCK_SRV" "$SNIP_SSHD" 2>/dev/null
rm -f "$HOST_SOCK" "$T/sshd-snippet.pid"
for u in pjt_alice pjt_carl; do check "the snippet tests leave nothing ($u)" wait_gone "$u"; done

# ---- PAM services other than sshd (issue 13): jailed through jailsh, or refused ------
# Only sshd enters the jail root itself (ChrootDirectory); su, login, runuser
# and friends would start the user's shell in the jail's mount namespace but
# outside its root. pamtester stands in for them, with a service of our own.
OTHER_SERVICE=$SERVICE-other
cat > "/etc/pam.d/$OTHER_SERVICE" <<CONF
# pam_jail integration tests; removed at the end of the run
auth     required pam_permit.so
account  required pam_permit.so
session  required pam_permit.so
session  required $PREFIX/lib/security/pam_jail.so
CONF
out=$(pamtester "$OTHER_SERVICE" pjt_carl open_session close_session 2>&1); rc=$?
if [ $rc -ne 0 ]; then ok "another PAM service refuses a jailed user whose shell is not jailsh"; else not_ok "another PAM service refuses a jailed user whose shell is not jailsh" "$out"; fi
if [ "$OWN_DEVLOG" = 1 ]; then
	expect_match "... and the auth log says why" "action=refuse user='pjt_carl' template='web' service='$OTHER_SERVICE' reason=\"only sshd" "$(cat "$T/auth.log")"
fi
check "... leaving no jail behind" wait_gone pjt_carl
out=$(pamtester "$OTHER_SERVICE" pjt_alice open_session close_session 2>&1)
expect_match "another PAM service lets a shell-mode user in (jailsh confines the shell)" 'successfully opened' "$out"
check "... and closing the session tears the jail down" wait_gone pjt_alice
out=$(pamtester "$OTHER_SERVICE" pjt_free open_session close_session 2>&1)
expect_match "another PAM service leaves an unnamed user alone" 'successfully opened' "$out"
rm -f "/etc/pam.d/$OTHER_SERVICE"

# ---- disk cost: 100 users on one template add no copy of it -----------------------
MANY_DROPIN=$PREFIX/etc/security/pam_jail.d/70-many.conf
: > "$MANY_DROPIN"
MANY_USERS_MADE=1
for i in $(seq -w 1 100); do
	useradd -m -K UMASK=077 -s "$PREFIX/sbin/jailsh" "pjm_$i" 2>/dev/null
	echo "user \"pjm_$i\" { template = \"web\" }" >> "$MANY_DROPIN"
done
chmod 0644 "$MANY_DROPIN"
# what pam_jail could write to per jail, measured before and after (not df of
# /: other processes on the machine write to it meanwhile)
disk_kb() { du -skc --one-file-system "$T" /home/pjm_* 2>/dev/null | tail -1 | cut -f1; }
used_before=$(disk_kb)
tpl_kb=$(du -sk "$T/tpl/web" | cut -f1)
# the logins stay until the test ends them, however long 100 builds take
for i in $(seq -w 1 100); do su - "pjm_$i" -c 'sleep 300' >"$T/many.$i" 2>&1 & done
many_alive() { [ "$(pgrep -c -f '^jail-init pjm_')" -ge 100 ]; }
for _ in $(seq 600); do many_alive && break; sleep 0.1; done
alive=$(pgrep -c -f '^jail-init pjm_')
state_kb=$(du -sk "$STATE_DIR" | cut -f1)
used_after=$(disk_kb)
expect_eq "disk: 100 jails of one template are alive at once" "100" "$alive$( [ "$alive" = 100 ] || head -c 300 "$T/many.001")"
if [ "$state_kb" -lt 2048 ]; then ok "disk: the state directory of 100 jails stays small (${state_kb} KiB)"; else not_ok "disk: state directory small" "${state_kb} KiB"; fi
grow=$((used_after - used_before))
if [ "$grow" -lt "$tpl_kb" ]; then ok "disk: 100 jails used ${grow} KiB on the host, less than one copy of the template (${tpl_kb} KiB)"; else not_ok "disk: no template copies" "grew ${grow} KiB; template ${tpl_kb} KiB"; fi
for i in $(seq -w 1 100); do pkill -TERM -u "pjm_$i" -x sleep 2>/dev/null; done
wait_many() { for _ in $(seq 300); do pgrep -f '^jail-init pjm_' >/dev/null || return 0; sleep 0.2; done; return 1; }
check "disk: the 100 jails are gone after their logouts" wait_many
for i in $(seq -w 1 100); do pkill -KILL -u "pjm_$i" 2>/dev/null; userdel -r "pjm_$i" >/dev/null 2>&1; done
rm -f "$MANY_DROPIN"

# ---- locks, crashes, the reaper (issue 12) --------------------------------------------
source "$(dirname "$0")/t-lifecycle.sh"

# ---- template generations (issue 16) -------------------------------------------------
source "$(dirname "$0")/t-generations.sh"

# ---- linger: a jail that outlives its last login (issue 15) ---------------------------
source "$(dirname "$0")/t-linger.sh"

# ---- the audit trail: one key=value line per event ----------------------------------
if [ "$OWN_DEVLOG" = 1 ]; then
	LOG=$(cat "$T/auth.log")
	expect_match "audit: create" "pam_jail\(sshd-pamjail-test:session\): action=create user='pjt_[a-z0-9]+' template='[a-z]+' init=[0-9]+ pid=[0-9]+" "$LOG"
	expect_match "audit: join" "pam_jail\(sshd-pamjail-test:session\): action=join user='pjt_alice' template='web' init=[0-9]+ pid=[0-9]+" "$LOG"
	expect_match "audit: leave" "pam_jail\(sshd-pamjail-test:session\): action=leave user='pjt_alice' template='web' pid=[0-9]+" "$LOG"
	expect_match "audit: teardown" "pam_jail\(sshd-pamjail-test:session\): action=teardown user='pjt_alice' template='web'" "$LOG"
	expect_match "audit: refusal with reason" "action=refuse user='pjt_[a-z0-9]+' (template='[a-z]+' )?reason=\"" "$LOG"
	expect_match "audit: jailsh (su) create" "jailsh\[[0-9]+\]: action=create user='pjt_alice' template='web' init=[0-9]+ pid=[0-9]+" "$LOG"
	expect_match "audit: jailctl enter" "jailctl\[[0-9]+\]: action=enter user='pjt_alice' template='web'" "$LOG"
	expect_match "audit: jailctl stop" "jailctl\[[0-9]+\]: action=teardown user='pjt_alice' by=jailctl stop" "$LOG"
else
	skip "audit lines" "/dev/log already existed; not ours to read"
fi

default_state_untouched
summary
