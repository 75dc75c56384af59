#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/landlock-login.sh [ROUNDS]: what the default landlock = "auto" costs
# an ssh login.  Times `ssh USER true` (fork to exit of the client, key
# authentication, every login creating its jail) with the template's
# landlock = "auto" and = false, in shell mode (pjt_alice: jailsh applies
# the scoping) and ChrootDirectory mode (pjt_carl: the module applies it in
# sshd's monitor); the four variants take turns in every round, so drifts
# of the machine hit them alike.  Prints the medians.  Reuses the
# integration suite's set-up (tests/integration/lib.sh: private sshd,
# users, config, clean-up) and its lock.  Root only.
source "$(dirname "$0")/../tests/integration/lib.sh"
ROUNDS=${1:-15}
setup || { echo "set-up failed"; exit 1; }
CONF=$PREFIX/etc/security/pam_jail.conf
ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
: > "$T/times"
sshc pjt_alice true >/dev/null 2>&1; sshc pjt_carl true >/dev/null 2>&1 # warm-up
for r in $(seq "$ROUNDS"); do
	for v in auto:pjt_alice false:pjt_alice auto:pjt_carl false:pjt_carl; do
		ll=${v%%:*} u=${v#*:}
		write_config
		sed -i "/^template \"web\" {/a\\  landlock = $ll" "$CONF"
		wait_gone "$u" >/dev/null || wait_gone "$u" >/dev/null
		t0=$(ms)
		out=$(sshc "$u" true 2>&1) || { echo "login failed: $v: $out"; exit 1; }
		echo "$v $(( $(ms) - t0 ))" >> "$T/times"
	done
done
write_config
for v in auto:pjt_alice false:pjt_alice auto:pjt_carl false:pjt_carl; do
	printf '%-16s median %s ms over %s logins\n' "$v" "$(grep "^$v " "$T/times" | cut -d' ' -f2 | median)" "$ROUNDS"
done
