/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The login record (lib/login-record.c), which setuid jailsh parses: what
 * the formatter writes is read back exactly, and nothing else is accepted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "jail/login-record.h"

static struct jail_login_record sample(void)
{
	struct jail_login_record r = {
		.uid = 1001,
		.mntns = 4026532811ULL,
		.seccomp = true,
		.landlock = JAIL_LANDLOCK_AUTO,
	};

	snprintf(r.user, sizeof(r.user), "alice");
	snprintf(r.home, sizeof(r.home), "/home/alice");
	snprintf(r.state_dir, sizeof(r.state_dir), "/run/pam_jail");
	snprintf(r.template_name, sizeof(r.template_name), "web");
	snprintf(r.shell, sizeof(r.shell), "/bin/bash");
	snprintf(r.cgroup, sizeof(r.cgroup), "memory:/pam_jail/alice.3 pids:/pam_jail/alice.3");
	return r;
}

static const char sample_text[] =
	JAIL_LOGIN_RECORD_MAGIC "\n"
				"user=alice\nuid=1001\nhome=/home/alice\nmntns=4026532811\n"
				"state_dir=/run/pam_jail\n"
				"template=web\nshell=/bin/bash\nseccomp=1\nlandlock=auto\n"
				"cgroup=memory:/pam_jail/alice.3 pids:/pam_jail/alice.3\n";

static void test_round_trip(void **state)
{
	struct jail_login_record r = sample(), back;
	char buf[JAIL_LOGIN_RECORD_MAX];

	(void)state;
	assert_int_equal(jail_login_record_format(&r, buf, sizeof(buf)), (int)strlen(sample_text));
	assert_string_equal(buf, sample_text);
	assert_int_equal(jail_login_record_parse(buf, &back), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	for (int m = JAIL_LANDLOCK_OFF; m <= JAIL_LANDLOCK_REQUIRED; m++) {
		r.landlock = (enum jail_landlock_mode)m;
		r.seccomp = m == JAIL_LANDLOCK_OFF;
		assert_true(jail_login_record_format(&r, buf, sizeof(buf)) > 0);
		assert_int_equal(jail_login_record_parse(buf, &back), 0);
		assert_int_equal(back.landlock, m);
		assert_int_equal(back.seccomp, m == JAIL_LANDLOCK_OFF);
	}
}

/* a value with a newline could forge a key: never written */
static void test_format_refuses(void **state)
{
	struct jail_login_record r = sample();
	char buf[JAIL_LOGIN_RECORD_MAX];

	(void)state;
	snprintf(r.shell, sizeof(r.shell), "/bin/sh\nseccomp=0");
	assert_int_equal(jail_login_record_format(&r, buf, sizeof(buf)), -EINVAL);
	r = sample();
	r.user[0] = '\0';
	assert_int_equal(jail_login_record_format(&r, buf, sizeof(buf)), -EINVAL);
	r = sample();
	snprintf(r.home, sizeof(r.home), "/home/a\nuid=0");
	assert_int_equal(jail_login_record_format(&r, buf, sizeof(buf)), -EINVAL);
	r = sample();
	r.cgroup[0] = '\0'; /* "-" says: no limits */
	assert_int_equal(jail_login_record_format(&r, buf, sizeof(buf)), -EINVAL);
	r = sample();
	assert_int_equal(jail_login_record_format(&r, buf, 40), -ENAMETOOLONG);
}

/* sample_text with `from` replaced by `to` must not parse */
static void refused(const char *from, const char *to)
{
	char text[2048], *p;
	struct jail_login_record r;

	snprintf(text, sizeof(text), "%s", sample_text);
	p = strstr(text, from);
	assert_non_null(p);
	memmove(p + strlen(to), p + strlen(from), strlen(p + strlen(from)) + 1);
	memcpy(p, to, strlen(to));
	if (jail_login_record_parse(text, &r) != -EINVAL)
		fail_msg("accepted with '%s' -> '%s':\n%s", from, to, text);
}

static void test_parse_refuses(void **state)
{
	struct jail_login_record r;

	(void)state;
	assert_int_equal(jail_login_record_parse("", &r), -EINVAL); /* the host's empty file */
	refused(JAIL_LOGIN_RECORD_MAGIC, "pam_jail-login 1");   /* the format without home */
	refused(JAIL_LOGIN_RECORD_MAGIC, "pam_jail-login 2");   /* limits, not cgroups */
	refused(JAIL_LOGIN_RECORD_MAGIC, "pam_jail-login 4");
	refused("home=/home/alice", "home=home/alice");        /* absolute only */
	refused("home=/home/alice\n", "");                    /* home is required */
	refused("user=alice\n", "");                          /* a key missing */
	refused("uid=1001\n", "uid=1001\nuid=0\n");          /* a key twice */
	refused("alice.3\n", "alice.3\nextra=1\n");          /* an unknown key */
	refused("alice.3\n", "alice.3");                     /* no final newline */
	refused("cgroup=memory:/pam_jail/alice.3 pids:/pam_jail/alice.3", "cgroup=");
	refused("uid=1001", "uid=-1");
	refused("uid=1001", "uid=01001");                    /* one spelling per number */
	refused("uid=1001", "uid=4294967295");               /* (uid_t)-1 */
	refused("uid=1001", "uid=");
	refused("mntns=4026532811", "mntns=0x1");
	refused("state_dir=/run/pam_jail", "state_dir=run");  /* absolute only */
	refused("shell=/bin/bash", "shell=bash");
	refused("seccomp=1", "seccomp=2");
	refused("landlock=auto", "landlock=yes");
	refused("template=web", "template=");
	refused("mntns=4026532811", "mntns=99999999999999999999999");
	refused("user=alice", "user alice");
	refused("shell=/bin/bash", "shell=/bin/ba\rsh");        /* a control character */
	refused("user=alice\nuid=1001\n", "uid=1001\nuser=alice\n"); /* another order */
}

/* the record's cgroup entries against /proc/self/cgroup texts */
static void test_cgroup_ok(void **state)
{
	static const char v1[] = "12:pids:/pam_jail/alice.3\n"
				 "5:memory:/pam_jail/alice.3\n"
				 "4:cpu,cpuacct:/pam_jail/alice.3/sub\n"
				 "1:name=systemd:/user.slice/user-1001.slice/session-2.scope\n"
				 "0::/user.slice/user-1001.slice/session-2.scope\n";

	(void)state;
	assert_true(jail_login_record_cgroup_ok("-", ""));
	assert_true(jail_login_record_cgroup_ok("memory:/pam_jail/alice.3", v1));
	assert_true(jail_login_record_cgroup_ok("memory:/pam_jail/alice.3 pids:/pam_jail/alice.3 "
						"cpu:/pam_jail/alice.3",
						v1)); /* under it, in a joint hierarchy */
	assert_true(jail_login_record_cgroup_ok(":/user.slice/user-1001.slice", v1));
	assert_true(jail_login_record_cgroup_ok("name=systemd:/user.slice/user-1001.slice", v1));
	/* another jail, a name prefix, another hierarchy, the wrong line */
	assert_false(jail_login_record_cgroup_ok("memory:/pam_jail/alice.4", v1));
	assert_false(jail_login_record_cgroup_ok("memory:/pam_jail/alice", v1));
	assert_false(jail_login_record_cgroup_ok("memory:/pam_jail/alice.3 cpuacct:/x", v1));
	assert_false(jail_login_record_cgroup_ok("cpuac:/pam_jail/alice.3", v1));
	assert_false(jail_login_record_cgroup_ok(":/pam_jail/alice.3", v1));
	assert_false(jail_login_record_cgroup_ok("memory:/pam_jail/(none)", v1));
	assert_false(jail_login_record_cgroup_ok(":/user.slice/user-100.slice", v1));
	assert_false(jail_login_record_cgroup_ok(":/user.slice/user-1001.slice", ""));
	/* malformed values satisfy nothing */
	assert_false(jail_login_record_cgroup_ok("", v1));
	assert_false(jail_login_record_cgroup_ok("memory", v1));
	assert_false(jail_login_record_cgroup_ok("memory:", v1));
	assert_false(jail_login_record_cgroup_ok("memory:/pam_jail/alice.3 ", v1));
	assert_false(jail_login_record_cgroup_ok("memory:pam_jail/alice.3", v1));
	assert_false(jail_login_record_cgroup_ok("memory:/pam_jail/alice.3  pids:/pam_jail/alice.3",
						 v1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_refuses),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_cgroup_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
