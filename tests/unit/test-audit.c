/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/audit.c: PAM stack lines and include following (in a
 * scratch directory), sshd -T output, ChrootDirectory token expansion.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "jail/audit.h"

/* ---- PAM lines ----------------------------------------------------------------- */

static void test_pam_line(void **state)
{
	struct jail_pam_line l;

	(void)state;
	jail_pam_line_parse("session required pam_jail.so debug\n", &l);
	assert_int_equal(l.kind, JAIL_PAM_MODULE);
	assert_string_equal(l.type, "session");
	assert_string_equal(l.target, "pam_jail.so");
	/* a leading '-' (ignore a missing module) and a bracketed control */
	jail_pam_line_parse("-session [success=ok default=bad]\t/opt/x/lib/security/pam_jail.so",
			    &l);
	assert_int_equal(l.kind, JAIL_PAM_MODULE);
	assert_string_equal(l.type, "session");
	assert_string_equal(l.target, "/opt/x/lib/security/pam_jail.so");
	jail_pam_line_parse("@include common-session", &l);
	assert_int_equal(l.kind, JAIL_PAM_INCLUDE_ALL);
	assert_string_equal(l.target, "common-session");
	jail_pam_line_parse("auth include system-auth", &l);
	assert_int_equal(l.kind, JAIL_PAM_INCLUDE);
	assert_string_equal(l.type, "auth");
	assert_string_equal(l.target, "system-auth");
	jail_pam_line_parse("session substack other", &l);
	assert_int_equal(l.kind, JAIL_PAM_INCLUDE);
	/* comments anywhere, blanks */
	jail_pam_line_parse("   # session required pam_jail.so", &l);
	assert_int_equal(l.kind, JAIL_PAM_BLANK);
	jail_pam_line_parse("", &l);
	assert_int_equal(l.kind, JAIL_PAM_BLANK);
	jail_pam_line_parse("session required #pam_jail.so", &l);
	assert_int_equal(l.kind, JAIL_PAM_INVALID);
	jail_pam_line_parse("session [default=bad pam_jail.so", &l);
	assert_int_equal(l.kind, JAIL_PAM_INVALID);
	jail_pam_line_parse("@include", &l);
	assert_int_equal(l.kind, JAIL_PAM_INVALID);
}

static void test_pam_is_ours(void **state)
{
	(void)state;
	assert_true(jail_pam_is_ours("pam_jail.so"));
	assert_true(jail_pam_is_ours("/usr/lib/x86_64-linux-gnu/security/pam_jail.so"));
	assert_false(jail_pam_is_ours("pam_jail.so.bak"));
	assert_false(jail_pam_is_ours("/lib/security/pam_jailx.so"));
	assert_false(jail_pam_is_ours("pam_unix.so"));
}

/* ---- include following in a scratch pam.d --------------------------------------- */

static char dir[64];
static int dir_fd = -1;

static void put(const char *name, const char *text)
{
	int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-audit.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dir_fd < 0 ? -1 : 0;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	close(dir_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void scan(const char *service, int want_r, bool want_session, bool want_auth)
{
	bool session = !want_session, auth = !want_auth;

	assert_int_equal(jail_pam_service_scan(dir_fd, service, &session, &auth), want_r);
	if (want_r == 0) {
		assert_int_equal(session, want_session);
		assert_int_equal(auth, want_auth);
	}
}

static void test_pam_scan(void **state)
{
	char abs_line[256];

	(void)state;
	put("direct", "auth optional pam_jail.so\nsession required pam_jail.so\n");
	scan("direct", 0, true, true);
	/* Debian's @include pulls in every line of the file */
	put("common-session", "session required pam_unix.so\nsession required pam_jail.so debug\n");
	put("deb", "@include common-auth\n@include common-session\n");
	scan("deb", 0, true, false); /* common-auth is missing: skipped */
	/* TYPE include pulls only that type's lines */
	put("stack", "auth required pam_jail.so\nsession optional pam_jail.so\n");
	put("only-auth", "auth include stack\naccount include stack\n");
	scan("only-auth", 0, false, true);
	put("only-session", "session substack stack\n");
	scan("only-session", 0, true, false);
	/* an @include inside an included file keeps the type filter */
	put("nested", "@include stack\n");
	put("via-nested", "session include nested\n");
	scan("via-nested", 0, true, false);
	/* an absolute include */
	snprintf(abs_line, sizeof(abs_line), "@include %s/direct\n", dir);
	put("absolute", abs_line);
	scan("absolute", 0, true, true);
	/* continued lines, comments, other modules */
	put("cont", "session \\\n  required \\\n  pam_jail.so\n# auth optional pam_jail.so\n");
	scan("cont", 0, true, false);
	put("none", "auth required pam_unix.so\nsession required pam_jailer.so\n");
	scan("none", 0, false, false);
	/* include loops end at the depth limit */
	put("loop-a", "@include loop-b\n");
	put("loop-b", "@include loop-a\nsession required pam_jail.so\n");
	scan("loop-a", 0, true, false);
	/* the service itself missing */
	scan("missing", -ENOENT, false, false);
}

/* ---- sshd -T --------------------------------------------------------------------- */

static void test_sshd_parse(void **state)
{
	struct jail_sshd_settings s;

	(void)state;
	assert_int_equal(jail_sshd_parse("port 22\n"
					 "allowtcpforwarding local\nallowstreamlocalforwarding "
					 "no\npermittunnel point-to-point\ndisableforwarding no\n"
					 "chrootdirectory /run/pam_jail/%u/root\nsubsystem other "
					 "/bin/true\nsubsystem sftp internal-sftp -l INFO\n"
					 "forcecommand internal-sftp\npamservicename sshd-test\n",
					 &s),
			 0);
	assert_string_equal(s.chroot, "/run/pam_jail/%u/root");
	assert_string_equal(s.sftp, "internal-sftp -l INFO");
	assert_string_equal(s.force_command, "internal-sftp");
	assert_string_equal(s.pam_service, "sshd-test");
	assert_true(s.tcp_forwarding);
	assert_false(s.streamlocal_forwarding);
	assert_true(s.tunnel);
	assert_false(s.disable_forwarding);
	assert_true(jail_sshd_is_internal_sftp(s.sftp));
	assert_true(jail_sshd_is_internal_sftp(s.force_command));
	assert_false(jail_sshd_is_internal_sftp("/usr/lib/openssh/sftp-server"));
	assert_false(jail_sshd_is_internal_sftp("none"));
	assert_string_equal(s.internal_sftp, "sftp");
	assert_true(s.tcp_local);
	assert_false(s.tcp_remote);

	/* the other keys a shell-mode user's sshd acts on: a client names the
	 * subsystem, so internal-sftp under any name counts */
	assert_int_equal(jail_sshd_parse("allowtcpforwarding remote\n"
					 "permitopen none\npermitlisten 127.0.0.1:8080\nsubsystem "
					 "sftp /usr/lib/openssh/sftp-server\nsubsystem files "
					 "internal-sftp\nsubsystem more internal-sftp -R\n"
					 "x11forwarding yes\nallowagentforwarding yes\n"
					 "permituserenvironment LANG,LC_*\nexposeauthinfo yes\n"
					 "xauthlocation /usr/bin/xauth\n",
					 &s),
			 0);
	assert_string_equal(s.sftp, "/usr/lib/openssh/sftp-server");
	assert_string_equal(s.internal_sftp, "files");
	assert_true(s.tcp_forwarding);
	assert_false(s.tcp_local);
	assert_true(s.tcp_remote);
	assert_true(s.permit_open_none);
	assert_false(s.permit_listen_none);
	assert_true(s.x11_forwarding);
	assert_true(s.agent_forwarding);
	assert_true(s.user_environment);
	assert_true(s.expose_auth_info);
	assert_string_equal(s.xauth, "/usr/bin/xauth");
	assert_int_equal(jail_sshd_parse("x11forwarding no\n"
					 "allowagentforwarding no\npermituserenvironment no\n"
					 "exposeauthinfo no\npermitlisten none\nallowtcpforwarding "
					 "yes\n",
					 &s),
			 0);
	assert_false(s.x11_forwarding);
	assert_false(s.agent_forwarding);
	assert_false(s.user_environment);
	assert_false(s.expose_auth_info);
	assert_true(s.permit_listen_none);
	assert_true(s.tcp_local);
	assert_true(s.tcp_remote);
	assert_string_equal(s.internal_sftp, "");

	/* defaults when sshd prints nothing for a key; no trailing newline */
	assert_int_equal(jail_sshd_parse("allowtcpforwarding no\ndisableforwarding yes", &s), 0);
	assert_string_equal(s.chroot, "none");
	assert_string_equal(s.force_command, "none");
	assert_string_equal(s.sftp, "");
	assert_string_equal(s.pam_service, "");
	assert_false(s.tcp_forwarding);
	assert_true(s.disable_forwarding);

	/* not sshd -T output at all: an error, *ret untouched */
	memset(&s, 0x5a, sizeof(s));
	assert_int_equal(jail_sshd_parse("sshd: no hostkeys available -- exiting.\n", &s), -EINVAL);
	assert_int_equal((unsigned char)s.chroot[0], 0x5a);
	assert_int_equal(jail_sshd_parse("", &s), -EINVAL);
}

static void test_sshd_expand(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(jail_sshd_expand("/run/pam_jail/%u/root", "alice", 1001, "/home/alice",
					  buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "/run/pam_jail/alice/root");
	assert_int_equal(
		jail_sshd_expand("%h/../%U%%", "alice", 1001, "/home/alice", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/home/alice/../1001%");
	assert_int_equal(jail_sshd_expand("/x/%d", "alice", 1001, "/h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(jail_sshd_expand("/x/%", "alice", 1001, "/h", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(jail_sshd_expand("/run/pam_jail/%u/root", "alice", 1001, "/h", buf, 10),
			 -ENAMETOOLONG);
}

/* jail_sshd_query against a stand-in for sshd: its arguments, its output,
 * its failure message */
static void test_sshd_query(void **state)
{
	struct jail_sshd_settings s;
	struct jail_error err = { 0 };
	char fake[128], bad[128];

	(void)state;
	snprintf(fake, sizeof(fake), "%s/sshd", dir);
	snprintf(bad, sizeof(bad), "%s/sshd-bad", dir);
	/* prints ChrootDirectory as its arguments, so that they are checked */
	put("sshd", "#!/bin/sh\n"
		    "[ -z \"$HOME$USER\" ] || { echo \"environment not empty\"; exit 1; }\necho "
		    "\"chrootdirectory $*\"\necho 'allowtcpforwarding no'\n");
	assert_int_equal(fchmodat(dir_fd, "sshd", 0755, 0), 0);
	assert_int_equal(jail_sshd_query(fake, "/etc/x_config", "alice", &s, &err), 0);
	assert_string_equal(s.chroot,
			    "-T -f /etc/x_config -C user=alice,host=localhost,addr=127.0.0.1");
	assert_false(s.tcp_forwarding);
	assert_int_equal(jail_sshd_query(fake, "/etc/x_config", NULL, &s, &err), 0);
	assert_string_equal(s.chroot, "-T -f /etc/x_config");
	put("sshd-bad", "#!/bin/sh\necho 'debug noise'\necho '/etc/x_config line 3: Bad "
			"configuration option: Nope' >&2\nexit 255\n");
	assert_int_equal(fchmodat(dir_fd, "sshd-bad", 0755, 0), 0);
	assert_int_equal(jail_sshd_query(bad, "/etc/x_config", "alice", &s, &err), -EIO);
	assert_non_null(
		strstr(err.msg, "failed: /etc/x_config line 3: Bad configuration option: Nope"));
	assert_int_equal(jail_sshd_query("/nonexistent/sshd", "/etc/x_config", "alice", &s, &err),
			 -ENOENT);
}

/* `systemctl show -P ExecCondition user@UID.service`, as systemd 252 and 257
 * print it: is pam_jail's drop-in among the commands? */
static void test_systemd_condition(void **state)
{
	(void)state;
	assert_true(jail_systemd_condition_is_ours(
		"{ path=/usr/sbin/jailctl ; argv[]=/usr/sbin/jailctl user-manager 1001 ; "
		"ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; "
		"status=0/0 }\n"));
	/* one of several conditions */
	assert_true(jail_systemd_condition_is_ours(
		"{ path=/bin/true ; argv[]=/bin/true ; ignore_errors=no }\n{ "
		"path=/usr/local/sbin/jailctl ; argv[]=/usr/local/sbin/jailctl user-manager 1001 ; "
		"ignore_errors=no }\n"));
	assert_false(jail_systemd_condition_is_ours(""));
	assert_false(jail_systemd_condition_is_ours("\n"));
	assert_false(jail_systemd_condition_is_ours(
		"{ path=/bin/true ; argv[]=/bin/true ; ignore_errors=no }\n"));
	/* the words elsewhere than in a command line do not count */
	assert_false(jail_systemd_condition_is_ours(
		"{ path=/bin/true ; argv[]=/bin/true ; code=jailctl user-manager 1 }\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pam_line),
		cmocka_unit_test(test_pam_is_ours),
		cmocka_unit_test_setup_teardown(test_pam_scan, setup_dir, teardown_dir),
		cmocka_unit_test(test_sshd_parse),
		cmocka_unit_test(test_sshd_expand),
		cmocka_unit_test_setup_teardown(test_sshd_query, setup_dir, teardown_dir),
		cmocka_unit_test(test_systemd_condition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
