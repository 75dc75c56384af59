#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The VM lab's directory suite (profile trixie-ldap): runs INSIDE the lab guest
# (tests/vm/lab.sh --profile trixie-ldap), as root.  An LDAP directory (slapd,
# dc=lab,dc=test, built here with slapadd: no debconf) serves the jailed users
# and groups to NSS and PAM through sssd; none of them is in /etc/passwd or
# /etc/group.  pam_jail is appended to the stock /etc/pam.d/sshd (which keeps
# pam_systemd and, with libpam-sss, pam_sss), and /etc/security/pam_jail.conf
# jails by `group` entries whose groups and members live in the directory.
# Never run it on a real host: it replaces slapd's configuration and edits the
# system's sshd, sssd and PAM configuration.
#
# What it proves (issue 14, item 3):
#  a) group mapping from the directory: a directory user in a directory group
#     named by pam_jail.conf logs in jailed, in shell mode and in ChrootDirectory
#     mode; jailctl check --user resolves the user and its group rule;
#  b) ldapmodify adds a user to a jailed group: after `sss_cache -E` (what an
#     admin runs) the next login of that user is jailed;
#  c) a directory outage (slapd stopped; slapd frozen, which answers TCP but never
#     LDAP; sssd stopped): no jailed user ever lands unjailed on the host, every
#     login attempt ends within a bound, local users still log in.
# Timings and what sssd did go to $LAB_OUT/facts.txt.
set -u
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
[ -e /mnt/lab/guest.sh ] || { echo "this runs only inside the VM lab guest" >&2; exit 77; }
OUT=${LAB_OUT:-/root/lab-out}
mkdir -p "$OUT"
FACTS=$OUT/facts.txt
STATE_DIR=/run/pam_jail
T=/var/tmp/lab-ldap
rm -rf "$T"; mkdir -p "$T"; chmod 0755 "$T"
HOST_MNT_NS=$(readlink /proc/self/ns/mnt)
# as a regular expression: "mnt:[N]" taken literally, not as a bracket expression
HOST_MNT_NS_RE=$(printf '%s' "$HOST_MNT_NS" | sed 's/[][]/\\&/g')
BASE=dc=lab,dc=test
ADMIN=cn=admin,$BASE
ADMIN_PW=lab-admin
LDAP_URI=ldap://127.0.0.1
# the bound on one login attempt during an outage: sshd's LoginGraceTime (120 s)
# would cut a hung pre-auth lookup; the whole login (pre-auth lookups, PAM
# account and session, the jail) must end well before that
OUTAGE_BOUND=${OUTAGE_BOUND:-90}
fact() { printf '%s\n' "$*" >> "$FACTS"; }
section() { printf '\n==== %s\n' "$*" >> "$FACTS"; log "$*"; }

sshc() {
	local user=$1; shift
	timeout 150 ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=no -o LogLevel=ERROR -o ConnectTimeout=30 \
		-i "$T/id" "$user@127.0.0.1" "$@"
}
# poll CMD... until it succeeds (at most ~60 s: TCG guests are slow)
poll() { for _ in $(seq 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
has_jail() { [ -n "$(sed -n 's/^pid=//p' "$STATE_DIR/$1/state" 2>/dev/null)" ]; }
wait_gone() {
	for _ in $(seq 300); do
		if ! pgrep -u "$1" >/dev/null && ! pgrep -x -f "jail-init $1" >/dev/null && [ ! -e "$STATE_DIR/$1" ]; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# attempt USER: one login that prints its mount namespace and the template's
# marker; sets SECS (the attempt's duration), DETAIL and OUTCOME:
#   jailed    in a namespace that is not the host's, / is the template
#   UNJAILED  in the host's mount namespace
#   HALF      in the jail's mount namespace but / is not the template (pam_jail
#             jailed the login, sshd's Match Group did not chroot it)
#   refused   no shell ran
attempt() {
	local t0 out rc
	t0=$(now)
	out=$(sshc "$1" 'echo NS=$(readlink /proc/self/ns/mnt); cat /etc/lab-marker 2>/dev/null' 2>&1)
	rc=$?
	SECS=$(secs "$t0" "$(now)")
	case $out in
	*"NS=$HOST_MNT_NS"*) OUTCOME=UNJAILED ;;
	*NS=mnt:*lab-marker*) OUTCOME=jailed ;;
	*NS=mnt:*) OUTCOME=HALF ;;
	*) OUTCOME=refused ;;
	esac
	DETAIL="rc=$rc $(printf '%s' "$out" | tr '\n' ' ' | head -c 300)"
}
within_bound() { awk -v s="$1" -v b="$OUTAGE_BOUND" 'BEGIN { exit !(s < b) }'; }

# ---- the platform -------------------------------------------------------------------
section "platform"
fact "distribution: $(. /etc/os-release; echo "$PRETTY_NAME") ($(cat /etc/debian_version)), kernel $(uname -r)"
fact "openssh: $(ssh -V 2>&1); systemd: $(systemctl --version | head -1)"
fact "packages: $(dpkg-query -W -f='${Package} ${Version}; ' slapd ldap-utils sssd-common sssd-ldap libnss-sss libpam-sss sssd-tools 2>&1)"
fact "nsswitch: $(grep -E '^(passwd|group|initgroups):' /etc/nsswitch.conf | tr '\n' ' ')"
fact "PAM: $(grep -l pam_sss /etc/pam.d/common-* 2>/dev/null | tr '\n' ' ')"
check "nsswitch.conf asks sssd for users and groups" grep -Eq '^(passwd|group):.*\bsss\b' /etc/nsswitch.conf

# ---- slapd: a fresh configuration and directory, made with slapadd ---------------------
systemctl stop slapd sssd >/dev/null 2>&1
rm -rf /etc/ldap/slapd.d /var/lib/ldap
install -d -m 0750 -o openldap -g openldap /etc/ldap/slapd.d /var/lib/ldap
cat > "$T/config.ldif" <<EOF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: /var/run/slapd/slapd.pid
olcArgsFile: /var/run/slapd/slapd.args

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/nis.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcAccess: {0}to * by * read

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth manage by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $BASE
olcDbDirectory: /var/lib/ldap
olcRootDN: $ADMIN
olcRootPW: $(slappasswd -s "$ADMIN_PW")
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,memberUid,uidNumber,gidNumber eq
olcAccess: {0}to * by * read
EOF
# posixAccount NAME UID SHELL: the user and its private group
posix_user() {
	printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: %s\ncn: %s\nsn: %s\n' "$1" "$BASE" "$1" "$1" "$1"
	printf 'uidNumber: %s\ngidNumber: %s\nhomeDirectory: /home/%s\nloginShell: %s\n\n' "$2" "$2" "$1" "$3"
	printf 'dn: cn=%s,ou=groups,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n\n' "$1" "$BASE" "$1" "$2"
}
# posixGroup NAME GID MEMBER...
posix_group() {
	local n=$1 g=$2 m; shift 2
	printf 'dn: cn=%s,ou=groups,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n' "$n" "$BASE" "$n" "$g"
	for m in "$@"; do printf 'memberUid: %s\n' "$m"; done
	printf '\n'
}
# the directory's users (none of them in /etc/passwd):
#  ldap_shell  shell mode (jailsh), in ldapjail_sh
#  ldap_chroot ChrootDirectory mode (/bin/sh), in ldapjail_ch
#  ldap_late   /bin/sh, in no jailed group until b) adds it to ldapjail_ch
#  ldap_new    shell mode, in ldapjail_sh, never looked up before the outage
#  ldap_seen   ChrootDirectory mode, in ldapjail_ch, looked up (getent passwd) but
#              never logged in before the outage
#  ldap_free   /bin/bash, in no jailed group: a directory user pam_jail leaves alone
# and one local user, lab_member (/etc/passwd, /bin/sh), named by memberUid in the
# directory group ldapjail_ch
{
	printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: pam_jail lab\ndc: lab\n\n' "$BASE"
	printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$BASE"
	printf 'dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n\n' "$BASE"
	posix_user ldap_shell 20001 /usr/sbin/jailsh
	posix_user ldap_chroot 20002 /bin/sh
	posix_user ldap_late 20003 /bin/sh
	posix_user ldap_new 20004 /usr/sbin/jailsh
	posix_user ldap_seen 20005 /bin/sh
	posix_user ldap_free 20006 /bin/bash
	posix_group ldapjail_sh 21001 ldap_shell ldap_new
	posix_group ldapjail_ch 21002 ldap_chroot ldap_seen lab_member
} > "$T/data.ldif"
check "slapadd: the configuration (cn=config)" slapadd -n0 -F /etc/ldap/slapd.d -l "$T/config.ldif"
check "slapadd: the directory ($BASE)" slapadd -n1 -F /etc/ldap/slapd.d -l "$T/data.ldif"
chown -R openldap:openldap /etc/ldap/slapd.d /var/lib/ldap
systemctl start slapd
check "slapd answers on $LDAP_URI" poll ldapsearch -x -LLL -H "$LDAP_URI" -b "$BASE" -s base dn
fact "slapd: $(systemctl show -p MainPID --value slapd) $(ps -o args= -p "$(systemctl show -p MainPID --value slapd)" 2>&1)"

# ---- sssd: NSS and PAM from the directory ----------------------------------------------
cat > /etc/sssd/sssd.conf <<EOF
# written by tests/vm/guest-ldap.sh; every timeout is sssd's default
[sssd]
services = nss, pam
domains = lab

[domain/lab]
id_provider = ldap
auth_provider = none
access_provider = permit
ldap_uri = $LDAP_URI
ldap_search_base = $BASE
ldap_schema = rfc2307
# plain LDAP on the loopback (sssd 2.10 wants StartTLS by default); a real
# deployment keeps TLS: the outage behaviour below does not depend on it
ldap_id_use_start_tls = false
sudo_provider = none
enumerate = false
cache_credentials = false
EOF
chmod 0600 /etc/sssd/sssd.conf
rm -f /var/lib/sss/db/* /var/lib/sss/mc/* 2>/dev/null
systemctl restart sssd
check "sssd is running" poll systemctl is-active sssd
check "sssd resolves a directory user" poll getent passwd ldap_shell
fact "getent passwd ldap_shell: $(getent passwd ldap_shell)"
fact "id ldap_shell: $(id ldap_shell 2>&1)"
check "the directory users are not in /etc/passwd" sh -c '! grep -q "^ldap_" /etc/passwd'
check "the directory groups are not in /etc/group" sh -c '! grep -Eq "^(ldap|ldapjail)_" /etc/group'
expect_match "ldap_shell is in ldapjail_sh (from the directory)" '\(ldapjail_sh\)' "$(id ldap_shell 2>&1)"

# ---- templates, config, homes, the stock sshd --------------------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
: > /etc/motd
chmod -x /etc/update-motd.d/* 2>/dev/null
install -d -m 0755 /srv/jails
rm -rf --one-file-system /srv/jails/web
check "jailctl template create" jailctl template create /srv/jails/web
check "jailctl template add --set shell" jailctl template add /srv/jails/web --set shell
echo lab-marker > /srv/jails/web/etc/lab-marker
cat > /etc/security/pam_jail.conf <<CONF
# written by tests/vm/guest-ldap.sh: the groups live in the LDAP directory
state_dir = "$STATE_DIR"
template "web" {
  rootfs = "/srv/jails/web"
  shell  = "/bin/sh"
}
group "ldapjail_sh" { template = "web" }
group "ldapjail_ch" { template = "web" }
CONF
out=$(jailctl check 2>&1)
expect_match "jailctl check passes (the groups resolve through sssd)" ': OK' "$out"
expect_nomatch "jailctl check finds both directory groups" "group '.*' does not exist" "$out"
# homes made the way an admin (or pam_mkhomedir) would: owned by the directory's uid, 0700
make_home() {
	local u=$1 uid gid
	uid=$(id -u "$u") gid=$(id -g "$u")
	rm -rf --one-file-system "/home/${u:?}"
	install -d -m 0700 -o "$uid" -g "$gid" "/home/$u" "/home/$u/.ssh"
	install -m 0600 -o "$uid" -g "$gid" "$T/id.pub" "/home/$u/.ssh/authorized_keys"
}
for u in ldap_shell ldap_chroot ldap_late ldap_free; do make_home "$u"; done
# ldap_new and ldap_seen: their homes by number, without an NSS lookup of the name
for n in ldap_new:20004 ldap_seen:20005; do
	u=${n%%:*} id=${n#*:}
	rm -rf --one-file-system "/home/${u:?}"
	install -d -m 0700 -o "$id" -g "$id" "/home/$u" "/home/$u/.ssh"
	install -m 0600 -o "$id" -g "$id" "$T/id.pub" "/home/$u/.ssh/authorized_keys"
done
userdel -r lab_member >/dev/null 2>&1; userdel -r lab_free >/dev/null 2>&1
for u in lab_member:/bin/sh lab_free:/bin/bash; do
	useradd -m -s "${u#*:}" "${u%%:*}"; u=${u%%:*}
	chmod 0700 "/home/$u"
	install -d -m 0700 -o "$u" -g "$u" "/home/$u/.ssh"
	install -m 0600 -o "$u" -g "$u" "$T/id.pub" "/home/$u/.ssh/authorized_keys"
done
# root logs in with the suite's key too (outages: root still gets in)
cat "$T/id.pub" >> /root/.ssh/authorized_keys
# (the auth line: ChrootDirectory mode needs its setcred hook, pam_jail(8))
grep -q pam_jail.so /etc/pam.d/sshd || printf 'session    required     pam_jail.so debug\nauth       optional     pam_jail.so\n' >> /etc/pam.d/sshd
# OpenSSH >= 9.8 penalises a source address for failed logins (PerSourcePenalties):
# after the outages' deliberately refused directory users it would drop the next
# connections from 127.0.0.1 (the local user's, root's) before PAM ever runs
cat > /etc/ssh/sshd_config.d/50-pam_jail-lab.conf <<CONF
PerSourcePenalties no
Match Group ldapjail_ch
	ChrootDirectory $STATE_DIR/%u/root
	DisableForwarding yes
CONF
check "the stock sshd accepts the lab's sshd_config" sshd -t
systemctl reload ssh || systemctl restart ssh
poll sshc lab_free true || true

# ---- a) group mapping from the directory --------------------------------------------------
section "a) jailed by a directory group"
for mode in shell:ldap_shell chroot:ldap_chroot; do
	m=${mode%%:*} u=${mode#*:}
	out=$(sshc "$u" 'cat /etc/lab-marker; id -u; echo NS=$(readlink /proc/self/ns/mnt)' 2>&1)
	fact "$m mode, $u: $(printf '%s' "$out" | tr '\n' ' ')"
	expect_match "$m mode ($u, group from the directory): / is the template" '^lab-marker$' "$out"
	expect_match "$m mode ($u): runs as the directory's uid" "^$(id -u "$u")\$" "$out"
	expect_match "$m mode ($u): the login printed its mount namespace" '^NS=mnt:' "$out"
	expect_nomatch "$m mode ($u): not in the host's mount namespace" "NS=$HOST_MNT_NS_RE" "$out"
	check "$m mode ($u): nothing left after the logout" wait_gone "$u"
done
out=$(sshc ldap_free 'echo NS=$(readlink /proc/self/ns/mnt)' 2>&1)
expect_eq "a directory user in no jailed group is left alone" "NS=$HOST_MNT_NS" "$out"
out=$(jailctl check --user ldap_shell 2>&1)
fact "jailctl check --user ldap_shell: $out"
expect_match "jailctl check --user resolves a directory user and its directory group" \
	"^ldap_shell: template 'web' \(by group 'ldapjail_sh' at /etc/security/pam_jail.conf:[0-9]+\)" "$out"
expect_match "jailctl check --user: the directory user's login is OK" 'login +OK' "$out"
out=$(jailctl check --user ldap_chroot 2>&1)
expect_match "jailctl check --user ldap_chroot: by group ldapjail_ch" "by group 'ldapjail_ch'" "$out"
out=$(jailctl check --user ldap_free 2>&1)
expect_eq "jailctl check --user: a directory user in no jailed group" "ldap_free: not jailed" "$(printf '%s\n' "$out" | head -1)"
out=$(jailctl check --all-users 2>&1)
fact "jailctl check --all-users (sssd enumerate = false): $(printf '%s' "$out" | grep -E '^[a-z_]+: template|jailed user' | tr '\n' ' ')"
# a local user named by memberUid in a directory group: sssd's rfc2307 schema
# resolves memberships only of users in its own domain
out=$(id lab_member 2>&1)
fact "id lab_member (local user, memberUid of the directory group ldapjail_ch): $out"
attempt lab_member
fact "lab_member login with the directory up: $OUTCOME ($SECS s) $DETAIL"
LAB_MEMBER_ONLINE=$OUTCOME

# ---- b) a user added to a jailed group in the directory ------------------------------
section "b) ldapmodify adds a user to a jailed group"
attempt ldap_late
expect_eq "ldap_late, in no jailed group yet, logs in unjailed" "UNJAILED" "$OUTCOME"
poll wait_gone ldap_late
cat > "$T/add.ldif" <<EOF
dn: cn=ldapjail_ch,ou=groups,$BASE
changetype: modify
add: memberUid
memberUid: ldap_late
EOF
check "ldapmodify adds ldap_late to ldapjail_ch" ldapmodify -x -H "$LDAP_URI" -D "$ADMIN" -w "$ADMIN_PW" -f "$T/add.ldif"
fact "right after ldapmodify, before sss_cache: id ldap_late: $(id ldap_late 2>&1)"
attempt ldap_late
fact "ldap_late's login right after ldapmodify, before sss_cache -E: $OUTCOME ($SECS s; $DETAIL)"
# sshd's Match Group (before PAM) and pam_jail (PAM session, after pam_sss's
# account step, which may refresh the groups online) ask NSS at different times
expect_nomatch "right after ldapmodify (no sss_cache -E yet) ldap_late is jailed or not, never half ($OUTCOME)" \
	'HALF' "$OUTCOME"
poll wait_gone ldap_late
check "sss_cache -E" sss_cache -E
fact "after sss_cache -E: id ldap_late: $(id ldap_late 2>&1)"
out=$(sshc ldap_late 'cat /etc/lab-marker; echo NS=$(readlink /proc/self/ns/mnt)' 2>&1)
expect_match "after sss_cache -E, ldap_late's next login is jailed (ChrootDirectory mode)" '^lab-marker$' "$out"
expect_nomatch "... not in the host's mount namespace" "NS=$HOST_MNT_NS_RE" "$out"
out=$(jailctl check --user ldap_late 2>&1)
expect_match "jailctl check --user ldap_late now: by group ldapjail_ch" "by group 'ldapjail_ch'" "$out"
poll wait_gone ldap_late
# ldap_seen is known to sssd's cache by name only: a lookup, no login (no initgroups)
getent passwd ldap_seen >/dev/null
fact "ldap_seen before the outage: $(getent passwd ldap_seen)"

# ---- c) directory outages -------------------------------------------------------------
# outage KIND: every user tried; jailed users never land on the host; every attempt
# ends within OUTAGE_BOUND s; local users (and root) still log in
outage() {
	local kind=$1 u
	fact "sssctl domain-status lab ($kind): $(sssctl domain-status lab 2>&1 | tr '\n' ' ')"
	local users="ldap_shell ldap_chroot ldap_late ldap_new ldap_seen"
	# lab_member only if the directory's memberUid jailed it while the directory was up
	[ "$LAB_MEMBER_ONLINE" = jailed ] && users="$users lab_member"
	for u in $users; do
		attempt "$u"
		fact "$kind: $u: $OUTCOME in $SECS s ($DETAIL)"
		expect_match "$kind: $u (jailed by a directory group) is jailed or refused, never on the host ($OUTCOME)" \
			'^(jailed|refused)$' "$OUTCOME"
		if within_bound "$SECS"; then ok "$kind: $u's login attempt ends within ${OUTAGE_BOUND} s (${SECS} s)"
		else not_ok "$kind: $u's login attempt ends within ${OUTAGE_BOUND} s" "it took $SECS s"; fi
		poll wait_gone "$u"
	done
	if [ "$LAB_MEMBER_ONLINE" != jailed ]; then
		attempt lab_member
		fact "$kind: lab_member (not jailed with the directory up either): $OUTCOME in $SECS s"
	fi
	attempt ldap_free
	fact "$kind: ldap_free (directory user, not jailed): $OUTCOME in $SECS s"
	attempt lab_free
	fact "$kind: lab_free (local user): $OUTCOME in $SECS s"
	expect_eq "$kind: a local user that is not jailed still logs in" "UNJAILED" "$OUTCOME"
	if within_bound "$SECS"; then ok "$kind: the local user's login ends within ${OUTAGE_BOUND} s (${SECS} s)"
	else not_ok "$kind: the local user's login ends within ${OUTAGE_BOUND} s" "it took $SECS s"; fi
	attempt root
	expect_eq "$kind: root still logs in" "UNJAILED" "$OUTCOME"
	fact "$kind: root: $OUTCOME in $SECS s"
	local t0
	t0=$(now); out=$(timeout 150 id ldap_new 2>&1)
	fact "$kind: id ldap_new: $out ($(secs "$t0" "$(now)") s)"
	t0=$(now); out=$(timeout 150 jailctl check --user ldap_shell 2>&1 | head -2 | tr '\n' ' ')
	fact "$kind: jailctl check --user ldap_shell: $out ($(secs "$t0" "$(now)") s)"
}

section "c) outage 1: slapd stopped (connection refused)"
systemctl stop slapd
check "slapd is down" sh -c '! ldapsearch -x -LLL -H '"$LDAP_URI"' -b '"$BASE"' -s base dn'
outage "slapd stopped"
systemctl start slapd
poll ldapsearch -x -LLL -H "$LDAP_URI" -b "$BASE" -s base dn

section "c) outage 2: slapd frozen (SIGSTOP: TCP connects, LDAP never answers)"
# sssd went offline in outage 1; start from an online sssd with the same cache
systemctl restart sssd; poll getent passwd ldap_free
pid=$(pidof slapd)
fact "slapd frozen: kill -STOP $pid"
# shellcheck disable=SC2086 # pidof may name more than one process
kill -STOP $pid
outage "slapd frozen"
# shellcheck disable=SC2086
kill -CONT $pid
poll ldapsearch -x -LLL -H "$LDAP_URI" -b "$BASE" -s base dn

section "c) outage 3: sssd stopped"
systemctl stop sssd
outage "sssd stopped"
systemctl start sssd
poll getent passwd ldap_free

section "after the outages"
systemctl restart sssd; poll getent passwd ldap_shell
attempt ldap_shell
expect_eq "with the directory back, ldap_shell logs in jailed" "jailed" "$OUTCOME"
fact "sssd's timeouts (defaults): ldap_network_timeout 6, ldap_opt_timeout 8, ldap_search_timeout 6, offline_timeout 60, entry_cache_timeout 5400, LoginGraceTime $(sshd -T 2>/dev/null | sed -n 's/^logingracetime //p')"
journalctl -b --no-pager 2>/dev/null | grep -E 'pam_jail|jailsh' | tail -60 > "$OUT/pam_jail-log.txt"
journalctl -b --no-pager -u sssd 2>/dev/null | tail -60 > "$OUT/sssd-log.txt"
echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
[ "$N_FAIL" = 0 ]
