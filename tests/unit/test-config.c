/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/config.c: jail_config_load(), jail_config_load_fd(),
 * jail_config_match() and jail_config_mentions().
 *
 * The "FILE:LINE: message" texts asserted here are what an administrator
 * sees from `jailctl check` and in syslog: they are part of the interface.
 * Every test gets its own mkdtemp() directory under /tmp, removed again in
 * the teardown.  Tests that need real root-owned directories (rootfs and
 * config ownership checks) skip() loudly when not run as root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/config.h"
#include "jail/template.h"
#include "jail/error.h"
#include "tmp-tree.h"
#include "../fuzz/config-mutations.h"

#define NOBODY_UID 65534

static char tmp_dir[128];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/pam_jail-test-config.XXXXXX");
	if (!mkdtemp(tmp_dir))
		return -1;
	return chmod(tmp_dir, 0755);
}

static int teardown(void **state)
{
	(void)state;
	if (!tmp_dir[0])
		return 0;
	if (tmp_tree_remove(tmp_dir) < 0)
		return -1;
	tmp_dir[0] = '\0';
	return 0;
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* For tests that need real root-owned files and chown(): without root they
 * cannot say anything, so say so loudly instead of passing silently. */
static void require_root(const char *test)
{
	if (geteuid() == 0)
		return;
	fprintf(stderr,
		"\n*** SKIPPED %s: needs root (root-owned temp directories, chown to uid %d);\n*** "
		"run `make check-unit` as root to cover it.\n\n",
		test, NOBODY_UID);
	skip();
}

/* Writes `len` bytes of `text` into a new 0644 file in tmp_dir; its path is
 * returned in `path` (PATH_MAX bytes). */
static void write_conf_n(char *path, const char *text, size_t len)
{
	size_t done = 0;
	int fd;

	snprintf(path, PATH_MAX, "%s/conf.XXXXXX", tmp_dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		assert_true(n > 0);
		done += (size_t)n;
	}
	assert_int_equal(close(fd), 0);
}

static void write_conf(char *path, const char *text)
{
	write_conf_n(path, text, strlen(text));
}

/* A root-owned (when root) directory tmp_dir/name with `mode`. */
static void make_dir(char *path, const char *name, mode_t mode)
{
	snprintf(path, PATH_MAX, "%s/%s", tmp_dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static struct jail_config *load_ok(const char *path, unsigned flags)
{
	struct jail_error err = { 0 };
	struct jail_config *c = NULL;
	char buf[1024];
	int r;

	r = jail_config_load(path, flags, &c, &err);
	if (r < 0)
		fprintf(stderr, "unexpected load failure: %s\n",
			jail_error_format(&err, buf, sizeof(buf)));
	assert_int_equal(r, 0);
	assert_non_null(c);
	return c;
}

/* Loading `path` fails with `r`, and jail_error_format() gives exactly
 * "PATH:LINE: MSG" (or "PATH: MSG" when line is 0). */
static void assert_load_error(const char *path, unsigned flags, int r, unsigned line,
			      const char *msg)
{
	struct jail_error err = { 0 };
	struct jail_config *c = NULL;
	char want[PATH_MAX + 1024], got[PATH_MAX + 1024];

	assert_int_equal(jail_config_load(path, flags, &c, &err), r);
	assert_null(c);
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%u: %s", path, line, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", path, msg);
	assert_string_equal(jail_error_format(&err, got, sizeof(got)), want);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
}

/* Same for a config given as text, parsed without file system checks. */
static void assert_conf_error(const char *text, unsigned line, const char *msg)
{
	char path[PATH_MAX];

	write_conf(path, text);
	assert_load_error(path, JAIL_CONFIG_NO_FS_CHECKS, -EINVAL, line, msg);
}

/* ---- good files ------------------------------------------------------------ */

static void test_minimal(void **state)
{
	static const char conf[] =
		"template \"web\" {\n"          /* 1 */
		"\trootfs = \"/srv/web\"\n"     /* 2 */
		"}\n"                           /* 3 */
		"user \"alice\" {\n"            /* 4 */
		"\ttemplate = \"web\"\n"        /* 5 */
		"}\n";
	char path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	write_conf(path, conf);
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_string_equal(c->path, path);
	assert_int_equal(c->n_templates, 1);
	assert_string_equal(c->templates[0].name, "web");
	assert_string_equal(c->templates[0].rootfs, "/srv/web");
	assert_int_equal(c->templates[0].line, 1);
	assert_int_equal(c->n_users, 1);
	assert_string_equal(c->users[0].name, "alice");
	assert_int_equal(c->users[0].template_index, 0);
	assert_int_equal(c->users[0].line, 4);
	assert_int_equal(c->n_groups, 0);
	jail_config_free(c);
}

static void test_full(void **state)
{
	static const char conf[] =
		"# pam_jail test config\n"                       /* 1 */
		"state_dir = \"/var/lib/pam_jail\"\n"            /* 2 */
		"\n"                                             /* 3 */
		"template \"web\" {\n"                           /* 4 */
		"  rootfs   = \"/srv/jails/web\"\n"              /* 5 */
		"  shell    = \"/bin/bash\"\n"                   /* 6 */
		"  tmp_size = \"64M\"\n"                         /* 7 */
		"}\n"                                            /* 8 */
		"template sftp {\n"                              /* 9 */
		"  rootfs = /srv/jails/sftp   // unquoted\n"     /* 10 */
		"  tmp_size = \"1G\"\n"                          /* 11 */
		"}\n"                                            /* 12 */
		"template \"build-1\" { rootfs = \"/srv/b\" tmp_size = \"25%\" }\n" /* 13 */
		"user \"alice\" { template = \"web\" }\n"        /* 14 */
		"user \"bob.smith\" { template = \"sftp\" }\n"   /* 15 */
		"/* groups */\n"                                 /* 16 */
		"group \"staff\" {\n"                            /* 17 */
		"  template = \"build-1\"\n"                     /* 18 */
		"}\n"                                            /* 19 */
		"group \"sftponly\" { template = \"sftp\" }\n";  /* 20 */
	char path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	write_conf(path, conf);
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_string_equal(c->state_dir, "/var/lib/pam_jail");

	assert_int_equal(c->n_templates, 3);
	assert_string_equal(c->templates[0].name, "web");
	assert_string_equal(c->templates[0].rootfs, "/srv/jails/web");
	assert_string_equal(c->templates[0].shell, "/bin/bash");
	assert_string_equal(c->templates[0].tmp_size, "64M");
	assert_int_equal(c->templates[0].line, 4);
	assert_string_equal(c->templates[1].name, "sftp");
	assert_string_equal(c->templates[1].rootfs, "/srv/jails/sftp");
	assert_string_equal(c->templates[1].shell, "/bin/sh");
	assert_string_equal(c->templates[1].tmp_size, "1G");
	assert_int_equal(c->templates[1].line, 9);
	assert_string_equal(c->templates[2].name, "build-1");
	assert_string_equal(c->templates[2].rootfs, "/srv/b");
	assert_string_equal(c->templates[2].tmp_size, "25%");
	assert_int_equal(c->templates[2].line, 13);

	assert_int_equal(c->n_users, 2);
	assert_string_equal(c->users[0].name, "alice");
	assert_int_equal(c->users[0].template_index, 0);
	assert_int_equal(c->users[0].line, 14);
	assert_string_equal(c->users[1].name, "bob.smith");
	assert_int_equal(c->users[1].template_index, 1);
	assert_int_equal(c->users[1].line, 15);

	assert_int_equal(c->n_groups, 2);
	assert_string_equal(c->groups[0].name, "staff");
	assert_int_equal(c->groups[0].template_index, 2);
	assert_int_equal(c->groups[0].line, 17);
	assert_string_equal(c->groups[1].name, "sftponly");
	assert_int_equal(c->groups[1].template_index, 1);
	assert_int_equal(c->groups[1].line, 20);
	jail_config_free(c);
}

static void test_defaults(void **state)
{
	char path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	write_conf(path, "template \"web\" { rootfs = \"/srv/web\" }\n");
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_string_equal(c->state_dir, "/run/pam_jail");
	assert_string_equal(c->state_dir, JAIL_DEFAULT_STATE_DIR);
	assert_int_equal(c->n_templates, 1);
	assert_string_equal(c->templates[0].shell, "/bin/sh");
	assert_string_equal(c->templates[0].shell, JAIL_DEFAULT_SHELL);
	assert_string_equal(c->templates[0].tmp_size, "10%");
	assert_string_equal(c->templates[0].tmp_size, JAIL_DEFAULT_TMP_SIZE);
	assert_false(c->templates[0].network_none);
	assert_false(c->templates[0].sftp_log);
	assert_false(jail_limits_any(&c->templates[0].limits));
	assert_int_equal(c->template_verify_interval, JAIL_DEFAULT_VERIFY_INTERVAL);
	assert_int_equal(c->n_users, 0);
	assert_int_equal(c->n_groups, 0);
	jail_config_free(c);
}

static void test_verify_interval(void **state)
{
	char path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	write_conf(path,
		   "template_verify_interval = 0\ntemplate \"web\" { rootfs = \"/srv/web\" }\n");
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_int_equal(c->template_verify_interval, 0);
	jail_config_free(c);
	write_conf(path, "template_verify_interval = 86400\n");
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_int_equal(c->template_verify_interval, 86400);
	jail_config_free(c);
	assert_conf_error("\n\ntemplate_verify_interval = -1\n", 3,
			  "template_verify_interval: -1 must be between 0 and 86400 seconds");
	assert_conf_error("template_verify_interval = 86401\n", 1,
			  "template_verify_interval: 86401 must be between 0 and 86400 seconds");
}

static void test_network_and_limits(void **state)
{
	char path[PATH_MAX];
	struct jail_config *c;
	const struct jail_template *t;

	(void)state;
	write_conf(path, "template \"web\" {\n"
			 "\trootfs = \"/srv/web\"\n\tnetwork = \"none\"\n\tsftp_log = true\n\t"
			 "limits {\n\t\tmemory = \"512M\"\n\t\tpids = 256\n\t\tcpu = \"150%\"\n\t"
			 "\trequired = true\n\t}\n}\n");
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	t = &c->templates[0];
	assert_true(t->network_none);
	assert_true(t->sftp_log);
	assert_true(jail_limits_any(&t->limits));
	assert_int_equal(t->limits.memory, 512ULL << 20);
	assert_int_equal(t->limits.pids, 256);
	assert_int_equal(t->limits.cpu_percent, 150);
	assert_true(t->limits.required);
	jail_config_free(c);
}

static void test_bad_network_and_limits(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n\trootfs = \"/srv/web\"\n\tnetwork = \"off\"\n}\n",
			  3, "network: 'off' must be \"host\" or \"none\"");
	assert_conf_error("template \"web\" {\n\trootfs = \"/srv/web\"\n\tlimits {\n\t\tmemory = "
			  "\"lots\"\n\t}\n}\n",
			  4, "memory: 'lots' is not a size (like 512M or 2G)");
	assert_conf_error(
		"template \"web\" {\n\trootfs = \"/srv/web\"\n\tlimits {\n\t\tpids = 0\n\t}\n}\n",
		4, "pids: 0 must be between 1 and 4194304");
	assert_conf_error("template \"web\" {\n\trootfs = \"/srv/web\"\n\tlimits {\n\n\t\tcpu = "
			  "\"0.5\"\n\t}\n}\n",
			  5, "cpu: '0.5' is not a share of one CPU (like 50% or 200%)");
	assert_conf_error(
		"template \"web\" {\n\trootfs = \"/srv/web\"\n\tlimits {\n\t\tio = 5\n\t}\n}\n", 4,
		"no such option 'io'");
}

/* parsing and what a host without some controllers cannot enforce */
static void test_limit_helpers(void **state)
{
	struct jail_cgroup_host host = { .v2 = false, .have = { true, false, true } };
	struct jail_limits l = { .memory = 1, .pids = 10, .cpu_percent = 50 };
	unsigned long long b;
	unsigned pct;
	char buf[64];

	(void)state;
	assert_int_equal(jail_parse_bytes("1024", &b), 0);
	assert_int_equal(b, 1024);
	assert_int_equal(jail_parse_bytes("2G", &b), 0);
	assert_int_equal(b, 2ULL << 30);
	assert_int_equal(jail_parse_bytes("0", &b), -EINVAL);
	assert_int_equal(jail_parse_bytes("12MB", &b), -EINVAL);
	assert_int_equal(jail_parse_bytes("99999999999999999999", &b), -EINVAL);
	assert_int_equal(jail_parse_percent("250%", &pct), 0);
	assert_int_equal(pct, 250);
	assert_int_equal(jail_parse_percent("50", &pct), -EINVAL);
	assert_int_equal(jail_parse_percent("0%", &pct), -EINVAL);
	assert_int_equal(jail_limits_unsupported(&l, &host, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "pids");
	host.have[JAIL_CG_MEMORY] = false;
	assert_int_equal(jail_limits_unsupported(&l, &host, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "memory, pids");
	l = (struct jail_limits){ 0 };
	assert_false(jail_limits_any(&l));
	assert_int_equal(jail_limits_unsupported(&l, &host, buf, sizeof(buf)), 0);
}

/* write `text` to dir/name, mode 0644 */
static void write_file_at(const char *dir, const char *name, const char *text, char *ret_path)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0644), 0);
	if (ret_path)
		snprintf(ret_path, PATH_MAX, "%s", path);
}

static void test_include_dir(void **state)
{
	char dir[PATH_MAX], main_conf[PATH_MAX], text[PATH_MAX * 2], b_path[PATH_MAX],
		bad[PATH_MAX];
	struct jail_config *c;
	const struct jail_rule *rule = NULL;
	char *g_ops[] = { "ops" };

	(void)state;
	make_dir(dir, "pam_jail.d", 0755);
	snprintf(text, sizeof(text),
		 "include_dir = \"%s\"\ntemplate \"web\" { rootfs = \"/srv/web\" }\n", dir);
	write_conf(main_conf, text);
	write_file_at(
		dir, "10-a.conf",
		"template \"a\" { rootfs = \"/srv/a\" }\nuser \"alice\" { template = \"a\" }\n",
		NULL);
	write_file_at(dir, "20-b.conf",
		      "# tenant b\n\nuser \"bob\" { template = \"web\" }\ngroup \"ops\" { template "
		      "= \"a\" }\n",
		      b_path);
	write_file_at(dir, "20-b.conf~", "this is not read {", NULL);
	write_file_at(dir, ".hidden.conf", "nor is this {", NULL);

	c = load_ok(main_conf, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS);
	jail_config_free(c);
	/* drop-ins are read only with file system checks (not by the fuzzer) */
	{
		struct jail_error err = { 0 };

		c = NULL;
		/* rootfs checks would fail on /srv/a: use real dirs */
		snprintf(text, sizeof(text),
			 "include_dir = \"%s\"\ntemplate \"web\" { rootfs = \"%s\" }\n", dir,
			 tmp_dir);
		write_conf(main_conf, text);
		snprintf(
			text, sizeof(text),
			"template \"a\" { rootfs = \"%s\" }\nuser \"alice\" { template = \"a\" }\n",
			tmp_dir);
		write_file_at(dir, "10-a.conf", text, NULL);
		assert_int_equal(jail_config_load(main_conf, JAIL_CONFIG_CHECK_OWNER, &c, &err), 0);
	}
	assert_int_equal(c->n_templates, 2);
	assert_int_equal(c->n_users, 2);
	assert_int_equal(c->n_groups, 1);
	assert_string_equal(c->include_dir, dir);
	assert_non_null(jail_config_match(c, "bob", NULL, 0, &rule, NULL));
	assert_string_equal(rule->file, b_path);
	assert_int_equal(rule->line, 3);
	assert_string_equal(jail_config_match(c, "carol", g_ops, 1, NULL, NULL)->name, "a");
	jail_config_free(c);

	/* the mentions scan of a broken main file reads the drop-ins too */
	snprintf(text, sizeof(text), "include_dir = \"%s\"\ntemplate \"web\" {\n", dir);
	write_conf(main_conf, text);
	assert_int_equal(jail_config_mentions(main_conf, "bob", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(main_conf, "zed", NULL, 0), 0);

	/* an error in a drop-in names the drop-in's file and line */
	snprintf(text, sizeof(text), "include_dir = \"%s\"\ntemplate \"web\" { rootfs = \"%s\" }\n",
		 dir, tmp_dir);
	write_conf(main_conf, text);
	write_file_at(dir, "30-c.conf", "\nuser \"carl\" {\n\ttemplate = \"nope\"\n}\n", bad);
	{
		struct jail_error err = { 0 };
		char got[PATH_MAX * 3], want[PATH_MAX * 3];

		c = NULL;
		assert_int_equal(jail_config_load(main_conf, JAIL_CONFIG_CHECK_OWNER, &c, &err),
				 -EINVAL);
		snprintf(want, sizeof(want), "%s:3: user 'carl': undefined template 'nope'", bad);
		assert_string_equal(jail_error_format(&err, got, sizeof(got)), want);

		/* a duplicate across files names both places */
		write_file_at(dir, "30-c.conf", "user \"alice\" { template = \"web\" }\n", bad);
		assert_int_equal(jail_config_load(main_conf, JAIL_CONFIG_CHECK_OWNER, &c, &err),
				 -EINVAL);
		snprintf(want, sizeof(want),
			 "%s:1: duplicate user 'alice' (first at %s/10-a.conf:2)", bad, dir);
		assert_string_equal(jail_error_format(&err, got, sizeof(got)), want);

		/* so does template_verify_interval */
		write_file_at(dir, "30-c.conf", "template_verify_interval = 0\n", bad);
		assert_int_equal(jail_config_load(main_conf, JAIL_CONFIG_CHECK_OWNER, &c, &err),
				 -EINVAL);
		snprintf(want, sizeof(want), "%s:1: no such option 'template_verify_interval'",
			 bad);
		assert_string_equal(jail_error_format(&err, got, sizeof(got)), want);

		/* state_dir belongs in the main file only */
		write_file_at(dir, "30-c.conf", "\nstate_dir = \"/run/x\"\n", bad);
		assert_int_equal(jail_config_load(main_conf, JAIL_CONFIG_CHECK_OWNER, &c, &err),
				 -EINVAL);
		snprintf(want, sizeof(want), "%s:2: no such option 'state_dir'", bad);
		assert_string_equal(jail_error_format(&err, got, sizeof(got)), want);

		/* a drop-in anybody may write is refused like the main file */
		write_file_at(dir, "30-c.conf", "user \"dan\" { template = \"web\" }\n", bad);
		assert_int_equal(chmod(bad, 0666), 0);
		assert_int_equal(jail_config_load(main_conf, JAIL_CONFIG_CHECK_OWNER, &c, &err),
				 -EPERM);
		snprintf(want, sizeof(want),
			 "%s: refusing drop-in: not root-owned or writable by others", bad);
		assert_string_equal(jail_error_format(&err, got, sizeof(got)), want);
	}
}

static void test_bind_sources(void **state)
{
	static const char *const refused[] = { "/",
					       "/etc",
					       "/root",
					       "/root/x",
					       "/home",
					       "/home/bob",
					       "/proc",
					       "/proc/1",
					       "/sys",
					       "/dev",
					       "/boot",
					       "/run",
					       "/run/pam_jail",
					       "/etc/shadow",
					       "/etc/ssh",
					       "/etc/security/pam_jail.conf",
					       "/var",
					       "/var/lib/jails",
					       "etc",
					       "/usr/../etc" };
	static const char *const allowed[] = { "/usr",           "/usr/share/zoneinfo",
					       "/etc/ssl/certs", "/opt/tools",
					       "/srv/data",      "/etc/hostname" };

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
		/* /var holds the state dir in this test's config */
		const char *why = jail_bind_source_refused(refused[i], "/var/lib/jails/state");

		if (!why)
			fail_msg("'%s' should be refused", refused[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(allowed); i++) {
		const char *why = jail_bind_source_refused(allowed[i], "/run/pam_jail");

		if (why)
			fail_msg("'%s' should be allowed: %s", allowed[i], why);
	}
	assert_conf_error(
		"template \"web\" {\n\trootfs = \"/srv/web\"\n\tbind \"/srv/x\" { target = "
		"\"/tmp/x\" }\n}\n",
		3, "bind '/srv/x': target '/tmp/x' is inside /tmp, which the jail mounts itself");
	assert_conf_error(
		"template \"web\" {\n\trootfs = \"/srv/web\"\n\n\tbind \"/root\" { }\n}\n", 4,
		"template 'web': bind source '/root' refused: it would expose a host directory "
		"that holds secrets or other users' files");
}

/* issue 13: landlock "auto" and home_mode_check "refuse" by default; both
 * keys take only their documented values */
static void test_secure_defaults(void **state)
{
	static const char conf[] = "template \"a\" { rootfs = \"/srv/a\" }\n"
				   "template \"b\" { rootfs = \"/srv/b\"\n landlock = true\n "
				   "home_mode_check = \"warn\" }\ntemplate \"c\" { rootfs = "
				   "\"/srv/c\"\n landlock = false\n home_mode_check = \"off\" }\n"
				   "template \"d\" { rootfs = \"/srv/d\"\n landlock = \"auto\"\n "
				   "home_mode_check = \"refuse\" }\n";
	char path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	write_conf(path, conf);
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_int_equal(c->templates[0].landlock, JAIL_LANDLOCK_AUTO);
	assert_int_equal(c->templates[0].home_check, JAIL_HOME_CHECK_REFUSE);
	assert_int_equal(c->templates[1].landlock, JAIL_LANDLOCK_REQUIRED);
	assert_int_equal(c->templates[1].home_check, JAIL_HOME_CHECK_WARN);
	assert_int_equal(c->templates[2].landlock, JAIL_LANDLOCK_OFF);
	assert_int_equal(c->templates[2].home_check, JAIL_HOME_CHECK_OFF);
	assert_int_equal(c->templates[3].landlock, JAIL_LANDLOCK_AUTO);
	assert_int_equal(c->templates[3].home_check, JAIL_HOME_CHECK_REFUSE);
	jail_config_free(c);
	assert_conf_error("template \"web\" {\n\trootfs = \"/srv/web\"\n\tlandlock = maybe\n}\n", 3,
			  "landlock: 'maybe' must be \"auto\", true or false");
	assert_conf_error(
		"template \"web\" {\n\trootfs = \"/srv/web\"\n\n\thome_mode_check = \"never\"\n}\n",
		4, "home_mode_check: 'never' must be \"refuse\", \"warn\" or \"off\"");
}

/* issue 13: binds of places host users share need shared = true */
static void test_bind_shared(void **state)
{
	static const char *const shared[] = { "/tmp",       "/var/tmp",   "/var",     "/var/mail",
					      "/var/spool", "/var/crash", "/var/lock" };
	static const char *const not_shared[] = { "/usr", "/opt/tools", "/var/lib/x",
						  "/var/tmp/build", "/srv/data" };
	char path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(shared); i++)
		if (!jail_bind_source_shared(shared[i]))
			fail_msg("'%s' should count as shared", shared[i]);
	for (size_t i = 0; i < ELEMENTSOF(not_shared); i++)
		if (jail_bind_source_shared(not_shared[i]))
			fail_msg("'%s' should not count as shared", not_shared[i]);
	assert_conf_error("template \"web\" {\n\trootfs = \"/srv/web\"\n\tbind \"/tmp\" { target = "
			  "\"/srv/t\" }\n}\n",
			  3,
			  "template 'web': bind source '/tmp' refused: it is (or holds) a place "
			  "other host users share; set shared = true in the bind section if that "
			  "is meant");
	assert_conf_error("template \"web\" {\n\trootfs = \"/srv/web\"\n\n\tbind \"/var\" { }\n}\n",
			  4,
			  "template 'web': bind source '/var' refused: it is (or holds) a place "
			  "other host users share; set shared = true in the bind section if that "
			  "is meant");
	/* shared = true is the admin's explicit word; the hard refusals stay */
	write_conf(path, "template \"web\" {\n\trootfs = \"/srv/web\"\n\tbind \"/tmp\" { target = "
			 "\"/srv/t\" shared = true }\n\tbind \"/opt\" { }\n}\n");
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_true(c->templates[0].binds[0].shared);
	assert_false(c->templates[0].binds[1].shared);
	jail_config_free(c);
	assert_conf_error("template \"web\" {\n\trootfs = \"/srv/web\"\n\tbind \"/home\" { shared "
			  "= true }\n}\n",
			  3,
			  "template 'web': bind source '/home' refused: it would expose a host "
			  "directory that holds secrets or other users' files");
}

/* ... and a group- or world-writable directory (a sticky one too, which
 * jail_open_trusted() lets through) is such a place, whatever its name */
static void test_bind_writable_dir(void **state)
{
	static const mode_t modes[] = { 01777, 0775, 0757 };
	char rootfs[PATH_MAX], dir[PATH_MAX], conf[2 * PATH_MAX + 256], path[PATH_MAX],
		msg[PATH_MAX + 256];
	struct jail_config *c;

	(void)state;
	require_root(__func__);
	make_dir(rootfs, "rootfs", 0755);
	make_dir(dir, "share", 0755);
	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		assert_int_equal(chmod(dir, modes[i]), 0);
		snprintf(conf, sizeof(conf),
			 "template \"web\" {\n\trootfs = \"%s\"\n\tbind \"%s\" { }\n}\n", rootfs,
			 dir);
		write_conf(path, conf);
		snprintf(msg, sizeof(msg),
			 "template 'web': bind source '%s' refused: it is writable by group or "
			 "others (mode %04o), a place host users share; set shared = true in the "
			 "bind section if that is meant",
			 dir, (unsigned)modes[i]);
		assert_load_error(path, 0, -EINVAL, 3, msg);
		snprintf(conf, sizeof(conf),
			 "template \"web\" {\n\trootfs = \"%s\"\n\tbind \"%s\" { shared = true }\n"
			 "}\n",
			 rootfs, dir);
		write_conf(path, conf);
		c = load_ok(path, 0);
		jail_config_free(c);
	}
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(conf, sizeof(conf),
		 "template \"web\" {\n\trootfs = \"%s\"\n\tbind \"%s\" { }\n}\n", rootfs, dir);
	write_conf(path, conf);
	c = load_ok(path, 0);
	jail_config_free(c);
}

static void test_empty_file(void **state)
{
	char path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	write_conf(path, "# nobody is jailed\n");
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_string_equal(c->state_dir, JAIL_DEFAULT_STATE_DIR);
	assert_int_equal(c->n_templates, 0);
	assert_int_equal(c->n_users, 0);
	assert_int_equal(c->n_groups, 0);
	jail_config_free(c);
}

/* jail_config_load_fd() parses what the fd gives (here a pipe, which cannot
 * be reopened by path), names `path` in messages and does not close the fd. */
static void test_load_fd(void **state)
{
	static const char good[] = "template \"web\" { rootfs = \"/srv/web\" }\n"
				   "group \"staff\" { template = \"web\" }\n";
	static const char bad[] = "template \"web\" { rootfs = \"/srv/web\" }\n"
				  "group \"staff\" { template = \"nope\" }\n";
	struct jail_error err = { 0 };
	struct jail_config *c = NULL;
	char buf[1024];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], good, sizeof(good) - 1), (ssize_t)(sizeof(good) - 1));
	close(p[1]);
	assert_int_equal(jail_config_load_fd(p[0], "/etc/security/pam_jail.conf",
					     JAIL_CONFIG_NO_FS_CHECKS, &c, &err),
			 0);
	assert_non_null(c);
	assert_string_equal(c->path, "/etc/security/pam_jail.conf");
	assert_int_equal(c->n_groups, 1);
	assert_string_equal(c->groups[0].name, "staff");
	assert_true(fcntl(p[0], F_GETFD) >= 0); /* still open */
	close(p[0]);
	jail_config_free(c);
	c = NULL;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], bad, sizeof(bad) - 1), (ssize_t)(sizeof(bad) - 1));
	close(p[1]);
	assert_int_equal(
		jail_config_load_fd(p[0], "label.conf", JAIL_CONFIG_NO_FS_CHECKS, &c, &err),
		-EINVAL);
	assert_null(c);
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)),
			    "label.conf:2: group 'staff': undefined template 'nope'");
	assert_true(fcntl(p[0], F_GETFD) >= 0);
	close(p[0]);
}

/* ---- bad files: one test per kind of mistake, with its exact message ------ */

/*
 * These files have no comments on purpose: libconfuse 3.3 (Debian 12) counts
 * a `#` or `//` comment as three lines and a one-line block comment as two,
 * so every libconfuse-reported line after a comment is too high.  Only the
 * lines of `template`/`user`/`group` headers, which config.c finds in the
 * text itself, are right in commented files (see test_full).
 */

static void test_unknown_key_top(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "}\n"
			  "foo = \"bar\"\n",                   /* 4 */
			  4, "no such option 'foo'");
}

static void test_unknown_key_template(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\tcolour = \"red\"\n"               /* 3 */
			  "}\n",
			  3, "no such option 'colour'");
}

static void test_undefined_template_user(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "}\n"
			  "user \"alice\" {\n"                 /* 4 */
			  "\n"
			  "\ttemplate = \"nope\"\n"            /* 6 */
			  "}\n",
			  6, "user 'alice': undefined template 'nope'");
}

static void test_undefined_template_group(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "}\n"
			  "user \"alice\" { template = \"web\" }\n"
			  "group \"staff\" {\n"                /* 5 */
			  "\ttemplate = \"Web\"\n"             /* 6 */
			  "}\n",
			  6, "group 'staff': undefined template 'Web'");
}

static void test_no_template_given(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" { rootfs = \"/srv/web\" }\n"
			  "\n"
			  "user \"alice\" {\n"                 /* 3 */
			  "}\n",
			  3, "user 'alice': no template given");
}

static void test_relative_rootfs(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\tshell = \"/bin/sh\"\n"
			  "\trootfs = \"srv/web\"\n"           /* 3 */
			  "}\n",
			  3, "rootfs: 'srv/web' must be a normal absolute path");
}

static void test_relative_state_dir(void **state)
{
	(void)state;
	assert_conf_error("\n"
			  "state_dir = \"run/pam_jail\"\n"     /* 2 */
			  "template \"web\" { rootfs = \"/srv/web\" }\n",
			  2, "state_dir: 'run/pam_jail' must be a normal absolute path");
}

static void test_rootfs_dotdot(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/../etc\"\n"       /* 2 */
			  "}\n",
			  2, "rootfs: '/srv/../etc' must be a normal absolute path");
}

static void test_rootfs_special_chars(void **state)
{
	(void)state;
	/* ',' and ':' would split mount options */
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web,ro\"\n"       /* 2 */
			  "}\n",
			  2, "rootfs: '/srv/web,ro' must not contain ',', ':' or '\\'");
}

static void test_relative_shell(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\tshell = \"bash\"\n"               /* 3 */
			  "}\n",
			  3, "shell: 'bash' must be a normal absolute path");
}

static void test_bad_tmp_size(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\ttmp_size = \"lots\"\n"            /* 3 */
			  "}\n",
			  3, "tmp_size: 'lots' is not a size (like 64M, 1G or 10%; not 0)");
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\n"
			  "\ttmp_size = \"10MB\"\n"            /* 4 */
			  "}\n",
			  4, "tmp_size: '10MB' is not a size (like 64M, 1G or 10%; not 0)");
	/* size=0 would mean an unlimited tmpfs */
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\ttmp_size = \"0\"\n"               /* 3 */
			  "}\n",
			  3, "tmp_size: '0' is not a size (like 64M, 1G or 10%; not 0)");
}

static void test_pty_max_and_tmp_inodes(void **state)
{
	struct jail_config *c;
	struct jail_template t = { 0 };
	char path[PATH_MAX];
	static const char conf[] =
		"template \"a\" { rootfs = \"/srv/a\" }\ntemplate \"b\" { rootfs = \"/srv/b\" "
		"pty_max = 8 tmp_inodes = \"2k\" }\n";

	(void)state;
	write_conf(path, conf);
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_int_equal(c->templates[0].pty_max, JAIL_DEFAULT_PTY_MAX);
	assert_int_equal(c->templates[0].tmp_inodes, 0);
	assert_int_equal(c->templates[1].pty_max, 8);
	assert_int_equal(c->templates[1].tmp_inodes, 2048);
	assert_int_equal(jail_template_tmp_inodes(&c->templates[1]), 2048);
	jail_config_free(c);
	/* the default follows tmp_size: one inode per 4 KiB, at least 256 */
	t.tmp_size = (char *)"64M";
	assert_int_equal(jail_template_tmp_inodes(&t), 16384);
	t.tmp_size = (char *)"1M";
	assert_int_equal(jail_template_tmp_inodes(&t), 256);
	t.tmp_size = (char *)"100k";
	assert_int_equal(jail_template_tmp_inodes(&t), 256);
	t.tmp_size = (char *)"10%";
	assert_true(jail_template_tmp_inodes(&t) >= 256);
}

static void test_linger(void **state)
{
	struct jail_config *c;
	char path[PATH_MAX];
	static const char conf[] = "template \"a\" { rootfs = \"/srv/a\" }\n"
				   "template \"b\" { rootfs = \"/srv/b\" linger = 30 }\n"
				   "template \"c\" { rootfs = \"/srv/c\" linger = 86400 }\n";

	(void)state;
	write_conf(path, conf);
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);
	assert_int_equal(c->templates[0].linger_s, 0); /* the default: ends at the last logout */
	assert_int_equal(c->templates[1].linger_s, 30);
	assert_int_equal(c->templates[2].linger_s, JAIL_MAX_LINGER);
	jail_config_free(c);
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\tlinger = -1\n" /* 3 */
			  "}\n",
			  3, "linger: -1 must be between 0 and 86400 seconds");
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\n"
			  "\tlinger = 86401\n" /* 4 */
			  "}\n",
			  4, "linger: 86401 must be between 0 and 86400 seconds");
	/* seconds only: libconfuse's own message, still with the line */
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\tlinger = \"30s\"\n" /* 3 */
			  "}\n",
			  3, "invalid integer value for option 'linger'");
}

static void test_bad_pty_max_and_tmp_inodes(void **state)
{
	(void)state;
	/* max=0 is refused by devpts; a typo must not reach the mount */
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\tpty_max = 0\n"                  /* 3 */
			  "}\n",
			  3, "pty_max: 0 must be between 1 and 4096");
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\tpty_max = -5\n"                 /* 3 */
			  "}\n",
			  3, "pty_max: -5 must be between 1 and 4096");
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\n"
			  "\ttmp_inodes = \"0\"\n"           /* 4 */
			  "}\n",
			  4, "tmp_inodes: '0' is not a number of inodes (like 4096 or 64k; not 0)");
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\ttmp_inodes = \"10%\"\n" /* 3 */
			  "}\n",
			  3,
			  "tmp_inodes: '10%' is not a number of inodes (like 4096 or 64k; not 0)");
}

/* The duplicate messages come from libconfuse (CFGF_NO_TITLE_DUPES) and do
 * not say which kind of entry is duplicated; the line is the second one. */
static void test_duplicate_user(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" { rootfs = \"/srv/web\" }\n"
			  "user \"alice\" { template = \"web\" }\n"
			  "user \"bob\" { template = \"web\" }\n"
			  "user \"alice\" {\n"                 /* 4 */
			  "\ttemplate = \"web\"\n}\n",
			  4, "found duplicate title 'alice'");
}

static void test_duplicate_group(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" { rootfs = \"/srv/web\" }\n"
			  "group \"staff\" { template = \"web\" }\n"
			  "\n"
			  "group \"staff\" { template = \"web\" }\n", /* 4 */
			  4, "found duplicate title 'staff'");
}

static void test_duplicate_template(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "}\n"
			  "\n"
			  "template \"web\" {\n"               /* 5 */
			  "\trootfs = \"/srv/web2\"\n}\n",
			  5, "found duplicate title 'web'");
}

static void test_template_without_rootfs(void **state)
{
	(void)state;
	assert_conf_error("# the web jail\n"
			  "template \"web\" {\n"               /* 2 */
			  "\tshell = \"/bin/sh\"\n\ttmp_size = \"5%\"\n}\n",
			  2, "template 'web': no rootfs given");
}

static void test_invalid_user_name(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" { rootfs = \"/srv/web\" }\n"
			  "\n"
			  "user \"a/b\" {\n"                   /* 3 */
			  "\ttemplate = \"web\"\n}\n",
			  3, "user 'a/b': not a valid user name");
	assert_conf_error("template \"web\" { rootfs = \"/srv/web\" }\n"
			  "group \".hidden\" { template = \"web\" }\n", /* 2 */
			  2, "group '.hidden': not a valid group name");
}

static void test_invalid_template_name(void **state)
{
	(void)state;
	assert_conf_error("\n"
			  "template \"a:b\" {\n"               /* 2 */
			  "\trootfs = \"/srv/web\"\n}\n",
			  2, "template 'a:b': not a valid template name");
}

/* No cfg_include function is registered: include() is just unknown. */
static void test_include_refused(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" { rootfs = \"/srv/web\" }\n"
			  "include(\"/etc/passwd\")\n",        /* 2 */
			  2, "no such option 'include'");
}

static void test_syntax_extra_brace(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "}\n"
			  "}\n",                               /* 4 */
			  4, "unexpected closing brace");
}

/* A missing '}' in the middle nests the next entry in the template, which
 * libconfuse reports as an unknown option there. */
static void test_syntax_missing_brace(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\"\n"
			  "\n"
			  "user \"alice\" { template = \"web\" }\n", /* 4 */
			  1, "section opened here is never closed (missing '}')");
}

/* libconfuse itself takes the end of the file as the closing brace: a
 * truncated config must not load. */
static void test_syntax_missing_brace_at_eof(void **state)
{
	(void)state;
	assert_conf_error("state_dir = \"/run/x\"\n"
			  "template \"web\" {\n"                     /* 2 */
			  "\trootfs = \"/srv/web\"\n",
			  2, "section opened here is never closed (missing '}')");
}

/* libconfuse 3.3 counts a comment line as several lines; our lines must not
 * drift after comments of any kind. */
static void test_lines_after_comments(void **state)
{
	(void)state;
	assert_conf_error("# a comment\n"
			  "// another one\n"
			  "/* a block\n"
			  "   comment */\n"
			  "state_dir = \"/run/x\" # trailing\n"
			  "template \"web\" { rootfs = \"/srv/web\" }\n"
			  "# \"quoted\" { in a comment\n"
			  "user \"alice\" {\n"
			  "\ttemplate = \"nope\"\n"                  /* 9 */
			  "}\n",
			  9, "user 'alice': undefined template 'nope'");
}

static void test_env_expansion_refused(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"${HOME}/web\"\n"             /* 2 */
			  "}\n",
			  2, "'${...}' environment expansion is not allowed");
}

static void test_bad_state_dir_root(void **state)
{
	(void)state;
	assert_conf_error("\nstate_dir = \"/\"\n", 2, "state_dir: must not be '/'");
}

static void test_syntax_missing_equals(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs \"/srv/web\"\n"            /* 2 */
			  "}\n",
			  2, "missing equal sign after option 'rootfs'");
}

/* libconfuse strings may span lines, so an unterminated one is only noticed
 * at the end of the file: the line is the one after the last newline. */
static void test_syntax_missing_quote(void **state)
{
	(void)state;
	assert_conf_error("template \"web\" {\n"
			  "\trootfs = \"/srv/web\n"            /* 2: the missing quote */
			  "}\n",                               /* 3, EOF is on 4 */
			  4, "premature end of file");
}

static void test_nul_byte(void **state)
{
	static const char conf[] = "template \"web\" {\n\trootfs = \"/srv/web\"\0\n}\n";
	char path[PATH_MAX];

	(void)state;
	write_conf_n(path, conf, sizeof(conf) - 1);
	assert_load_error(path, JAIL_CONFIG_NO_FS_CHECKS, -EILSEQ, 0, "not a text file");
}

static void test_too_big(void **state)
{
	size_t size = 1024 * 1024 + 16;
	char path[PATH_MAX];
	char *text;

	(void)state;
	text = malloc(size);
	assert_non_null(text);
	memset(text, '#', size);
	text[size - 1] = '\n';
	write_conf_n(path, text, size);
	free(text);
	assert_load_error(path, JAIL_CONFIG_NO_FS_CHECKS, -EFBIG, 0, "cannot read: File too large");
}

static void test_missing_file(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/nonexistent.conf", tmp_dir);
	assert_load_error(path, 0, -ENOENT, 0, "cannot open: No such file or directory");
}

/* ---- rootfs checks on real directories --------------------------------------- */

static void assert_rootfs_error(const char *rootfs, const char *detail)
{
	char conf[PATH_MAX + 256], path[PATH_MAX], msg[PATH_MAX + 512];

	snprintf(conf, sizeof(conf),
		 "template \"web\" {\n"
		 "\tshell = \"/bin/sh\"\n"
		 "\trootfs = \"%s\"\n"                 /* 3 */
		 "}\nuser \"alice\" { template = \"web\" }\n",
		 rootfs);
	write_conf(path, conf);
	snprintf(msg, sizeof(msg), "template 'web': rootfs must be a root-owned directory: %s",
		 detail);
	assert_load_error(path, 0, -EINVAL, 3, msg);
}

static void test_rootfs_ok(void **state)
{
	char rootfs[PATH_MAX], conf[PATH_MAX + 256], path[PATH_MAX];
	struct jail_config *c;

	(void)state;
	require_root(__func__);
	make_dir(rootfs, "rootfs", 0755);
	snprintf(conf, sizeof(conf), "template \"web\" { rootfs = \"%s\" }\n", rootfs);
	write_conf(path, conf);
	c = load_ok(path, 0);
	assert_string_equal(c->templates[0].rootfs, rootfs);
	jail_config_free(c);
}

static void test_rootfs_missing(void **state)
{
	char rootfs[PATH_MAX], detail[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	snprintf(rootfs, sizeof(rootfs), "%s/nope", tmp_dir);
	snprintf(detail, sizeof(detail), "cannot open '%s' (at 'nope'): No such file or directory",
		 rootfs);
	assert_rootfs_error(rootfs, detail);
}

static void test_rootfs_not_root_owned(void **state)
{
	char rootfs[PATH_MAX], detail[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	make_dir(rootfs, "rootfs", 0755);
	assert_int_equal(chown(rootfs, NOBODY_UID, NOBODY_UID), 0);
	snprintf(detail, sizeof(detail), "'%s' is not owned by root", rootfs);
	assert_rootfs_error(rootfs, detail);
}

static void test_rootfs_writable(void **state)
{
	char rootfs[PATH_MAX], detail[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	make_dir(rootfs, "rootfs", 0777);
	snprintf(detail, sizeof(detail), "'%s' is writable by group or others", rootfs);
	assert_rootfs_error(rootfs, detail);

	assert_int_equal(chmod(rootfs, 0775), 0);
	assert_rootfs_error(rootfs, detail);
}

static void test_rootfs_not_dir(void **state)
{
	char rootfs[PATH_MAX], detail[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	write_conf(rootfs, "not a directory\n");
	snprintf(detail, sizeof(detail), "'%s' is not a directory", rootfs);
	assert_rootfs_error(rootfs, detail);
}

/* The checks also apply to every directory above the rootfs. */
static void test_rootfs_untrusted_parent(void **state)
{
	char parent[PATH_MAX], rootfs[PATH_MAX], detail[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	make_dir(parent, "parent", 0755);
	make_dir(rootfs, "parent/rootfs", 0755);
	assert_int_equal(chown(parent, NOBODY_UID, NOBODY_UID), 0);
	snprintf(detail, sizeof(detail),
		 "'%s': directory 'parent' is not root-owned or is writable by others", rootfs);
	assert_rootfs_error(rootfs, detail);
}

/* Template generations: rootfs may be a root-owned link to one of its own
 * generations (BASE.gen/N), and to nothing else. */
static void test_rootfs_generation_link(void **state)
{
	char rootfs[PATH_MAX], gens[PATH_MAX], gen[PATH_MAX], conf[PATH_MAX + 256], path[PATH_MAX];
	struct jail_template_gen g;
	struct jail_error err = { 0 };
	struct jail_config *c;

	(void)state;
	require_root(__func__);
	make_dir(gens, "tpl.gen", 0755);
	make_dir(gen, "tpl.gen/7", 0755);
	snprintf(rootfs, sizeof(rootfs), "%s/tpl", tmp_dir);
	assert_int_equal(symlink("tpl.gen/7", rootfs), 0);
	snprintf(conf, sizeof(conf), "template \"web\" { rootfs = \"%s\" }\n", rootfs);
	write_conf(path, conf);
	c = load_ok(path, 0);
	jail_config_free(c);
	assert_int_equal(jail_template_resolve(rootfs, &g, &err), 0);
	assert_int_equal(g.generation, 7);
	assert_string_equal(g.path, gen);
	close(g.fd);
	/* the plain directory: unversioned */
	assert_int_equal(jail_template_resolve(gen, &g, &err), 0);
	assert_int_equal(g.generation, -1);
	close(g.fd);
}

static void test_rootfs_generation_link_bad(void **state)
{
	char rootfs[PATH_MAX], gens[PATH_MAX], gen[PATH_MAX], other[PATH_MAX], detail[PATH_MAX * 2];
	static const char *const bad_targets[] = { "other",       "/usr",       "tpl.gen/07",
						   "tpl.gen/7/.", "tpl.gen/-1", "tpl.gen/7x",
						   "./tpl.gen/7", "tpl.gen//7", "tpl.gen" };

	(void)state;
	require_root(__func__);
	make_dir(gens, "tpl.gen", 0755);
	make_dir(gen, "tpl.gen/7", 0755);
	make_dir(other, "other", 0755);
	snprintf(rootfs, sizeof(rootfs), "%s/tpl", tmp_dir);
	for (size_t i = 0; i < sizeof(bad_targets) / sizeof(bad_targets[0]); i++) {
		(void)unlink(rootfs);
		assert_int_equal(symlink(bad_targets[i], rootfs), 0);
		snprintf(detail, sizeof(detail),
			 "'%s' is a symlink to '%s', which is not one of its generations "
			 "('tpl.gen/N'); name the template's directory itself, or let 'jailctl "
			 "template' manage the link",
			 rootfs, bad_targets[i]);
		assert_rootfs_error(rootfs, detail);
	}
	(void)unlink(rootfs);
	assert_int_equal(symlink("tpl.gen/7", rootfs), 0);
	assert_int_equal(chown(gen, NOBODY_UID, NOBODY_UID), 0);
	snprintf(detail, sizeof(detail), "'%s' is not owned by root", gen);
	assert_rootfs_error(rootfs, detail);
	assert_int_equal(chown(gen, 0, 0), 0);
	assert_int_equal(chmod(gens, 0777), 0);
	snprintf(detail, sizeof(detail), "'%s' is writable by group or others", gens);
	assert_rootfs_error(rootfs, detail);
	assert_int_equal(chmod(gens, 0755), 0);
	assert_int_equal(lchown(rootfs, NOBODY_UID, NOBODY_UID), 0);
	snprintf(detail, sizeof(detail), "'%s' is a symlink not owned by root", rootfs);
	assert_rootfs_error(rootfs, detail);
}

/* ---- JAIL_CONFIG_CHECK_OWNER: the config file itself ----------------------- */

static const char owner_conf[] = "template \"web\" { rootfs = \"/srv/web\" }\n";

static void test_check_owner_ok(void **state)
{
	char path[PATH_MAX];

	(void)state;
	require_root(__func__);
	write_conf(path, owner_conf);
	jail_config_free(load_ok(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS));
}

static void test_check_owner_not_root(void **state)
{
	char path[PATH_MAX], msg[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	write_conf(path, owner_conf);
	assert_int_equal(chown(path, NOBODY_UID, 0), 0);
	snprintf(msg, sizeof(msg), "refusing config: '%s' is not owned by root", path);
	assert_load_error(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS, -EPERM, 0, msg);
	/* without the flag the same file loads */
	jail_config_free(load_ok(path, JAIL_CONFIG_NO_FS_CHECKS));
}

static void test_check_owner_writable(void **state)
{
	char path[PATH_MAX], msg[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	write_conf(path, owner_conf);
	snprintf(msg, sizeof(msg), "refusing config: '%s' is writable by group or others", path);
	assert_int_equal(chmod(path, 0666), 0);
	assert_load_error(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS, -EPERM, 0, msg);
	assert_int_equal(chmod(path, 0664), 0);
	assert_load_error(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS, -EPERM, 0, msg);
}

static void test_check_owner_symlink(void **state)
{
	char target[PATH_MAX], path[PATH_MAX], msg[PATH_MAX + 256];

	(void)state;
	require_root(__func__);
	write_conf(target, owner_conf);
	snprintf(path, sizeof(path), "%s/link.conf", tmp_dir);
	assert_int_equal(symlink(target, path), 0);
	snprintf(msg, sizeof(msg), "refusing config: '%s' is a symlink", path);
	assert_load_error(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS, -ELOOP, 0, msg);
}

static void test_check_owner_untrusted_dir(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX], msg[PATH_MAX + 256];
	int fd;

	(void)state;
	require_root(__func__);
	make_dir(dir, "etc", 0775);
	snprintf(path, sizeof(path), "%s/etc/pam_jail.conf", tmp_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, owner_conf, sizeof(owner_conf) - 1),
			 (ssize_t)(sizeof(owner_conf) - 1));
	close(fd);
	snprintf(
		msg, sizeof(msg),
		"refusing config: '%s': directory 'etc' is not root-owned or is writable by others",
		path);
	assert_load_error(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS, -EPERM, 0, msg);
}

/* ---- jail_config_match ----------------------------------------------------- */

static const char match_conf[] =
	"template \"a\" { rootfs = \"/srv/a\" }\ntemplate \"b\" { rootfs = \"/srv/b\" }\ntemplate "
	"\"c\" { rootfs = \"/srv/c\" }\ngroup \"staff\" { template = \"b\" }\nuser \"alice\" { "
	"template = \"a\" }\ngroup \"wheel\" { template = \"c\" }\nuser \"carol\" { template = "
	"\"c\" }\n";

static void test_match_precedence(void **state)
{
	char *both[] = { "wheel", "staff" };
	char *wheel[] = { "users", "wheel" };
	char *none[] = { "users", "adm" };
	char *with_null[] = { NULL, "staff" };
	const struct jail_template *t;
	const struct jail_rule *rule;
	struct jail_config *c;
	char path[PATH_MAX];
	bool is_group;

	(void)state;
	write_conf(path, match_conf);
	c = load_ok(path, JAIL_CONFIG_NO_FS_CHECKS);

	/* a user entry wins over every group, wherever it is in the file */
	rule = NULL;
	is_group = true;
	t = jail_config_match(c, "alice", both, ELEMENTSOF(both), &rule, &is_group);
	assert_non_null(t);
	assert_string_equal(t->name, "a");
	assert_ptr_equal(rule, &c->users[0]);
	assert_false(is_group);

	is_group = true;
	t = jail_config_match(c, "carol", both, ELEMENTSOF(both), &rule, &is_group);
	assert_string_equal(t->name, "c");
	assert_ptr_equal(rule, &c->users[1]);
	assert_false(is_group);

	/* among groups the first in file order wins, not the user's order */
	is_group = false;
	t = jail_config_match(c, "bob", both, ELEMENTSOF(both), &rule, &is_group);
	assert_non_null(t);
	assert_string_equal(t->name, "b");
	assert_ptr_equal(rule, &c->groups[0]);
	assert_string_equal(rule->name, "staff");
	assert_true(is_group);

	is_group = false;
	t = jail_config_match(c, "bob", wheel, ELEMENTSOF(wheel), &rule, &is_group);
	assert_string_equal(t->name, "c");
	assert_ptr_equal(rule, &c->groups[1]);
	assert_true(is_group);

	/* NULL group names are skipped; the out parameters are optional */
	t = jail_config_match(c, "bob", with_null, ELEMENTSOF(with_null), NULL, NULL);
	assert_non_null(t);
	assert_string_equal(t->name, "b");

	/* not named anywhere, no groups at all, names are case-sensitive */
	assert_null(jail_config_match(c, "dave", none, ELEMENTSOF(none), &rule, &is_group));
	assert_null(jail_config_match(c, "dave", NULL, 0, &rule, &is_group));
	assert_null(jail_config_match(c, "Alice", NULL, 0, NULL, NULL));
	t = jail_config_match(c, "alice", NULL, 0, NULL, NULL);
	assert_string_equal(t->name, "a");
	jail_config_free(c);
}

/* ---- jail_config_mentions ---------------------------------------------------- */

static void test_mentions(void **state)
{
	/* libconfuse reads this; only our check (an undefined template) fails,
	 * so exactly the user and group titles count, as libconfuse reads them */
	static const char conf[] =
		"template \"web\" { rootfs = \"/srv/web\" }\nuser \"bobby\" { template = \"web\" "
		"}\nuser alice.b { template = \"web\" }\ngroup \"staff-2\" { template = \"web\" "
		"}\n# contact ops@corp or carol\nuser \"ali\\x63e\" { template = \"nope\" }\ngroup "
		"\"wh\\145el\" { template = \"web\" } /* not dave */\nuser \"e\\\nve\" { template "
		"= \"web\" }";
	char *g_staff[] = { "staff" };
	char *g_staff2[] = { "users", NULL, "staff-2" };
	char *g_wheel[] = { "wheel" };
	char *g_other[] = { "web", "users" };
	char *g_bobby[] = { "bobby" };
	char path[PATH_MAX];

	(void)state;
	write_conf(path, conf);
	assert_load_error(path, JAIL_CONFIG_NO_FS_CHECKS, -EINVAL, 6,
			  "user 'alice': undefined template 'nope'");
	/* whole names only: '.', '-', '_' and '@' belong to names */
	assert_int_equal(jail_config_mentions(path, "bob", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(path, "bobby", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "obby", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(path, "alice.b", NULL, 0), 1);
	/* libconfuse's escapes and continued lines name users too */
	assert_int_equal(jail_config_mentions(path, "alice", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "eve", NULL, 0), 1);
	/* comments name nobody in a file libconfuse reads */
	assert_int_equal(jail_config_mentions(path, "ops@corp", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(path, "carol", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(path, "dave", NULL, 0), 0);
	/* nor do keywords, templates or other values */
	assert_int_equal(jail_config_mentions(path, "template", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(path, "web", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(path, "", NULL, 0), 0);
	/* groups: only group titles; a user title is not a group */
	assert_int_equal(jail_config_mentions(path, "carol", g_staff, ELEMENTSOF(g_staff)), 0);
	assert_int_equal(jail_config_mentions(path, "carol", g_staff2, ELEMENTSOF(g_staff2)), 1);
	assert_int_equal(jail_config_mentions(path, "carol", g_wheel, ELEMENTSOF(g_wheel)), 1);
	assert_int_equal(jail_config_mentions(path, "carol", g_other, ELEMENTSOF(g_other)), 0);
	assert_int_equal(jail_config_mentions(path, "carol", g_bobby, 1), 0);
}

/* The point of mentions(): a config that libconfuse cannot even read still
 * refuses everybody it may name: any trace counts, comments included. */
static void test_mentions_broken_config(void **state)
{
	char path[PATH_MAX];
	char *g_wheel[] = { "wheel" }, *g_users[] = { "users" };

	(void)state;
	write_conf(path, "template \"web\" {\n"
			 "user \"alice\" { template = \"web\" }\n");
	assert_load_error(path, JAIL_CONFIG_NO_FS_CHECKS, -EINVAL, 1,
			  "section opened here is never closed (missing '}')");
	assert_int_equal(jail_config_mentions(path, "alice", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "bob", NULL, 0), 0);

	write_conf(path, "template \"web\" { rootfs = \"/srv/web\" }\n"
			 "user \"pjt_\\x61lice\" { template = \"web\" \n"   /* hex, and no '}' */
			 "user \"b\\157b\" { template = \"web\" }\n"        /* octal */
			 "user \"ca\\\nrol\" { template = \"web\" }\n"      /* a continued line */
			 "group 'wheel' { template = \"web\" }\n# dave was here\n/* and eve */ "
			 "user \"x\" { }\n");
	{
		struct jail_config *c = NULL;
		struct jail_error err = { 0 };

		assert_int_equal(jail_config_load(path, JAIL_CONFIG_NO_FS_CHECKS, &c, &err),
				 -EINVAL);
	}
	assert_int_equal(jail_config_mentions(path, "pjt_alice", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "bob", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "carol", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "dave", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "eve", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(path, "frank", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(path, "alice", NULL, 0),
			 0); /* pjt_alice is another name */
	assert_int_equal(jail_config_mentions(path, "frank", g_wheel, 1), 1);
	assert_int_equal(jail_config_mentions(path, "frank", g_users, 1), 0);
}

/* include_dir as libconfuse reads it, not the first text that looks like it;
 * and in a file libconfuse cannot read, every include_dir it may hold. */
static void test_mentions_include_dir(void **state)
{
	char dir[PATH_MAX], main_conf[PATH_MAX], text[PATH_MAX * 5], esc[PATH_MAX * 4];
	size_t o = 0;

	(void)state;
	make_dir(dir, "pam_jail.d", 0755);
	write_file_at(dir, "10-b.conf", "user \"b\\x6fb\" { template = \"web\" }\n", NULL);
	write_file_at(dir, "20-g.conf", "group \"st\\x61ff\" { template = \"web\" \n",
		      NULL); /* broken */

	/* libconfuse reads the main file; the undefined template fails it */
	snprintf(text, sizeof(text),
		 "# include_dir = \"/nonexistent\"\n"
		 "include_dir = \"%s\"\n"
		 "user \"zed\" { template = \"nope\" }\n", dir);
	write_conf(main_conf, text);
	assert_int_equal(jail_config_mentions(main_conf, "zed", NULL, 0), 1);
	assert_int_equal(jail_config_mentions(main_conf, "bob", NULL, 0), 1);
	{
		char *g[] = { "staff" };
		assert_int_equal(jail_config_mentions(main_conf, "carol", g, 1), 1);
	}
	assert_int_equal(jail_config_mentions(main_conf, "carol", NULL, 0), 0);

	/* not even libconfuse reads it; the real include_dir is escaped and
	 * comes after a commented-out one */
	for (const char *p = dir; *p && o + 5 < sizeof(esc); p++)
		o += (size_t)snprintf(esc + o, sizeof(esc) - o, *p == '/' ? "\\x2f" : "%c", *p);
	snprintf(text, sizeof(text),
		 "/* include_dir = \"/nonexistent\" */\n"
		 "include_dir = \"%s\"\n"
		 "template \"web\" {\n", esc);
	write_conf(main_conf, text);
	assert_int_equal(jail_config_mentions(main_conf, "zed", NULL, 0), 0);
	assert_int_equal(jail_config_mentions(main_conf, "bob", NULL, 0), 1);
	{
		char *g[] = { "staff" };
		assert_int_equal(jail_config_mentions(main_conf, "carol", g, 1), 1);
	}

	/* its value on the next line */
	snprintf(text, sizeof(text), "include_dir =\n   \"%s\" template \"web\" {\n", dir);
	write_conf(main_conf, text);
	assert_int_equal(jail_config_mentions(main_conf, "bob", NULL, 0), 1);

	/* a '+' in a quoted path is part of it (found by make fuzz: the
	 * scanner cut "/etc/a+b.d" at the '+') */
	{
		char plus[PATH_MAX + 4], target[PATH_MAX + 16];

		snprintf(plus, sizeof(plus), "%s-a+b", dir); /* "%s-a" does not exist */
		assert_int_equal(mkdir(plus, 0755), 0);
		snprintf(target, sizeof(target), "%s/10-b.conf", plus);
		assert_int_equal(symlink("../pam_jail.d/10-b.conf", target) == 0 || errno == EEXIST,
				 1);
		snprintf(text, sizeof(text),
			 "include_dir = \"%s\"\ntemplate \"web\" { ro*otfs = \"/srv\" }\n", plus);
		write_conf(main_conf, text);
		assert_int_equal(jail_config_mentions(main_conf, "bob", NULL, 0), 1);
		(void)unlink(target);
		(void)rmdir(plus);
	}

	/* damage to the keyword itself: the drop-ins of every directory the
	 * unreadable text names are read (a guess: an untrusted one counts as
	 * none), so a user named only in a drop-in is still refused */
	{
		char other[PATH_MAX];

		make_dir(other, "elsewhere.d", 0755);
		write_file_at(other, "10-d.conf", "user \"dave\" { template = \"web\" }\n", NULL);
		snprintf(text, sizeof(text),
			 "inclXde_dir = \"%s\"\ntemplate \"web\" { rootfs = \"/srv\" }\n", other);
		write_conf(main_conf, text);
		assert_int_equal(jail_config_mentions(main_conf, "dave", NULL, 0), 1);
		assert_int_equal(jail_config_mentions(main_conf, "carol", NULL, 0), 0);
		snprintf(text, sizeof(text), "include_di = %s\n", other); /* unquoted */
		write_conf(main_conf, text);
		assert_int_equal(jail_config_mentions(main_conf, "dave", NULL, 0), 1);
		/* a path that is not a trusted directory spares the others */
		write_conf(main_conf, "inclXde_dir = \"/nonexistent/x.d\"\nbind \"/tmp\" {\n");
		assert_int_equal(jail_config_mentions(main_conf, "carol", NULL, 0), 0);
		/* the value damaged too: DIR/pam_jail.d beside the main file, the
		 * documented place, is read (here: tmp_dir/pam_jail.d above) */
		write_conf(main_conf, "inclXde_dir = \"/etc/securiXy/pam_jail.d\"\n");
		assert_int_equal(jail_config_mentions(main_conf, "bob", NULL, 0), 1);
		assert_int_equal(jail_config_mentions(main_conf, "carol", NULL, 0), 0);
	}
}

/* dirs (NULL-terminated) holds path */
static bool strv_has(char **dirs, const char *path)
{
	for (size_t i = 0; dirs && dirs[i]; i++)
		if (strcmp(dirs[i], path) == 0)
			return true;
	return false;
}

/* In a text libconfuse cannot read, the include_dir guess reads from the
 * keyword on through every line that holds only blanks ('*' too) and comments - '#',
 * '//' and block comments, which may span lines and hold paths of their
 * own - to the value, as libconfuse does (the text level: the fuzzer's
 * fail-closed property is checked there, before the file level's fallback
 * of every absolute path in the text). */
static void test_mentions_guess_comments(void **state)
{
	static const char *const texts[] = {
		"include_dir =        # size= of /tmp\n\"/etc/x.d\"\ntemplate \"w\" {\n",
		"include_dir = // see /usr/share/doc\n\n  // more\n\"/etc/x.d\"\ntemplate {\n",
		"include_dir = /* the drop-ins\n   live in /srv */\n  \"/etc/x.d\"\ntemplate {\n",
		"include_dir\n/*\n * where\n */ =\n/* and */ \"/etc/x.d\"\ntemplate \"w\" {\n",
		"include_dir /* a */ = /* b\n c */ /* d */\n\t/etc/x.d\ntemplate {\n",
		/* libconfuse skips a lone '*' as it skips blanks (make fuzz) */
		"include_dir =        # size=0\n*# first\n  \"/etc/x.d\"\ntemplate \"w\" {\n",
		"include_dir = * ** \n\t* \"/etc/x.d\"\ntemplate {\n",
		/* the keyword joined to the word before it: a comment's or a
		 * value's newline deleted (make fuzz) */
		"# the jail templates.include_dir =    # /tmp\n  \"/etc/x.d\"\ntemplate {\n",
		"template_verify_interval = 60include_dir = \"/etc/x.d\"\ntemplate {\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		char **dirs = NULL;
		int r = jail_config_text_mentions(texts[i], false, "nobody", NULL, 0, &dirs);

		assert_int_equal(r, 0);
		if (!strv_has(dirs, "/etc/x.d"))
			fail_msg("the guess missed /etc/x.d in:\n%s", texts[i]);
		jail_strv_free(dirs);
	}
}

/* The fail-closed property (tests/fuzz/config-mutations.h) for every
 * one-byte deletion, replacement and insertion of a few configs. */
static void check_all_mutations(const char *text)
{
	struct mut_valid v;
	char why[8192];
	size_t checked = 0;

	assert_true(mut_valid_init(&v, text, strlen(text)));
	assert_int_equal(v.n_spans, v.n_users + v.n_groups + (v.include_dir ? 1 : 0));
	for (size_t p = 0; p <= v.len; p++) {
		if (mut_check(&v, MUT_DELETE, p, 0, why, sizeof(why)) < 0)
			fail_msg("%s", why);
		for (const char *a = mut_alphabet; *a; a++) {
			if (mut_check(&v, MUT_REPLACE, p, *a, why, sizeof(why)) < 0 ||
			    mut_check(&v, MUT_INSERT, p, *a, why, sizeof(why)) < 0)
				fail_msg("%s", why);
		}
		checked++;
	}
	assert_true(checked > 0);
	mut_valid_free(&v);
}

static void test_mentions_mutations(void **state)
{
	(void)state;
	check_all_mutations("include_dir = \"/etc/security/pam_jail.d\"\n"
			    "template \"web\" { rootfs = \"/srv/web\" }\ntemplate 'sftp' {\n  "
			    "rootfs = \"/srv/sftp\"\n}\n# the ops team\nuser \"alice\" {\n  "
			    "template = \"web\"\n}\nuser bob { template = sftp } // trailing\n/* "
			    "block\n   comment */\ngroup \"staff\" { template = \"web\" }\n");
	check_all_mutations("template \"web\" { rootfs = \"/srv/web\" }\n"
			    "user \"pjt_\\x61lice\" { template = \"web\" }\nuser \"b\\157b\" {\n  "
			    "template = \"web\"\n}\nuser \"ca\\\nrol\" { template = \"web\" }\n"
			    "group 'wheel' { template = \"web\" }\ngroup \"st\\x61ff\" { template "
			    "= \"web\" }\n");
}

/* Anything that cannot be read counts as mentioning everybody (fail closed). */
static void test_mentions_unreadable(void **state)
{
	char missing[PATH_MAX], link[PATH_MAX], target[PATH_MAX], nul[PATH_MAX];
	static const char nul_text[] = "user \"x\"\0";

	(void)state;
	snprintf(missing, sizeof(missing), "%s/nonexistent.conf", tmp_dir);
	assert_int_equal(jail_config_mentions(missing, "bob", NULL, 0), 1);

	/* a directory */
	assert_int_equal(jail_config_mentions(tmp_dir, "bob", NULL, 0), 1);

	/* a symlink is not followed */
	write_conf(target, "# nobody\n");
	assert_int_equal(jail_config_mentions(target, "bob", NULL, 0), 0);
	snprintf(link, sizeof(link), "%s/link.conf", tmp_dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(jail_config_mentions(link, "bob", NULL, 0), 1);

	/* not a text file */
	write_conf_n(nul, nul_text, sizeof(nul_text) - 1);
	assert_int_equal(jail_config_mentions(nul, "bob", NULL, 0), 1);
}

/* ---- the one decision (jail_config_decide) --------------------------------- */

static void test_decide(void **state)
{
	static const char good[] =
		"template \"web\" { rootfs = \"/srv/web\" }\n"   /* 1 */
		"template \"dev\" { rootfs = \"/srv/dev\" }\n"   /* 2 */
		"group \"devs\" { template = \"dev\" }\n"        /* 3 */
		"user \"alice\" { template = \"web\" }\n";       /* 4: a user entry wins */
	static const char broken[] =
		"template \"web\" { rootfs = \"/srv/web\" }\n"
		"user \"alice\" { template = \"web\" }\n"
		"user \"dave\" { template = }\n";                /* 3: a syntax error */
	char *devs[] = { "alice", "devs", NULL }, *staff[] = { "carol", "staff", NULL };
	char path[PATH_MAX], missing[PATH_MAX];
	struct jail_decision d;

	(void)state;
	write_conf(path, good);
	jail_config_decide(path, JAIL_CONFIG_NO_FS_CHECKS, "alice", 1000, devs, 2, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_JAILED);
	assert_string_equal(d.t->name, "web");
	assert_string_equal(d.rule->name, "alice");
	assert_false(d.by_group);
	assert_int_equal(d.rule->line, 4);
	jail_decision_done(&d);
	assert_null(d.cfg);

	jail_config_decide(path, JAIL_CONFIG_NO_FS_CHECKS, "bob", 1001, devs + 1, 1, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_JAILED);
	assert_string_equal(d.t->name, "dev");
	assert_true(d.by_group);
	assert_string_equal(d.rule->name, "devs");
	jail_decision_done(&d);

	jail_config_decide(path, JAIL_CONFIG_NO_FS_CHECKS, "carol", 1002, staff, 2, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_FREE);
	assert_string_equal(d.err.msg, "");
	assert_non_null(d.cfg);
	jail_decision_done(&d);

	/* root: never jailed, the config is not even read */
	jail_config_decide(path, JAIL_CONFIG_NO_FS_CHECKS, "alice", 0, devs, 2, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_FREE);
	assert_null(d.cfg);
	jail_decision_done(&d);

	/* a missing file names nobody we can trust: everybody is refused, and
	 * the caller is told it is missing (jailctl user-manager's "not
	 * configured") */
	snprintf(missing, sizeof(missing), "%s/nonexistent.conf", tmp_dir);
	jail_config_decide(missing, JAIL_CONFIG_NO_FS_CHECKS, "carol", 1002, staff, 2, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_REFUSE);
	assert_true(d.config_missing);
	assert_null(d.cfg);
	jail_decision_done(&d);

	/* a broken file refuses whom it mentions and spares the rest, saying
	 * the config is broken */
	write_conf(path, broken);
	jail_config_decide(path, JAIL_CONFIG_NO_FS_CHECKS, "alice", 1000, NULL, 0, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_REFUSE);
	assert_false(d.config_missing);
	assert_int_equal(d.err.line, 3);
	assert_null(d.cfg);
	jail_decision_done(&d);
	jail_config_decide(path, JAIL_CONFIG_NO_FS_CHECKS, "bob", 1001, devs + 1, 1, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_FREE);
	assert_int_equal(d.err.line, 3);
	assert_string_not_equal(d.err.msg, "");
	assert_null(d.cfg);
	jail_decision_done(&d);
	/* jailsh's strict decision refuses bob too */
	jail_config_decide_strict(path, JAIL_CONFIG_NO_FS_CHECKS, "bob", 1001, devs + 1, 1, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_REFUSE);
	assert_int_equal(d.err.line, 3);
	jail_decision_done(&d);
	write_conf(path, good);
	jail_config_decide_strict(path, JAIL_CONFIG_NO_FS_CHECKS, "bob", 1001, devs + 1, 1, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_JAILED);
	assert_string_equal(d.t->name, "dev");
	jail_decision_done(&d);
}

/* an insecure file (writable by others) names nobody we can trust: it
 * refuses everybody but root, mentioned or not */
static void test_decide_insecure(void **state)
{
	char *staff[] = { "staff", NULL };
	char path[PATH_MAX];
	struct jail_decision d;

	(void)state;
	require_root("test_decide_insecure");
	write_conf(path, "template \"web\" { rootfs = \"/srv/web\" }\nuser \"alice\" { template = "
			 "\"web\" }\n");
	assert_int_equal(chmod(path, 0666), 0);
	jail_config_decide(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS, "carol", 1002,
			   staff, 1, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_REFUSE);
	assert_false(d.config_missing);
	assert_int_equal(d.err.line, 0);
	jail_decision_done(&d);
	jail_config_decide(path, JAIL_CONFIG_CHECK_OWNER | JAIL_CONFIG_NO_FS_CHECKS, "root", 0,
			   staff, 1, &d);
	assert_int_equal(d.verdict, JAIL_VERDICT_FREE);
	jail_decision_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_minimal),
		TEST(test_full),
		TEST(test_defaults),
		TEST(test_empty_file),
		TEST(test_load_fd),
		TEST(test_unknown_key_top),
		TEST(test_unknown_key_template),
		TEST(test_undefined_template_user),
		TEST(test_undefined_template_group),
		TEST(test_no_template_given),
		TEST(test_relative_rootfs),
		TEST(test_relative_state_dir),
		TEST(test_rootfs_dotdot),
		TEST(test_rootfs_special_chars),
		TEST(test_relative_shell),
		TEST(test_bad_tmp_size),
		TEST(test_pty_max_and_tmp_inodes),
		TEST(test_linger),
		TEST(test_bad_pty_max_and_tmp_inodes),
		TEST(test_duplicate_user),
		TEST(test_duplicate_group),
		TEST(test_duplicate_template),
		TEST(test_template_without_rootfs),
		TEST(test_invalid_user_name),
		TEST(test_invalid_template_name),
		TEST(test_include_refused),
		TEST(test_syntax_extra_brace),
		TEST(test_network_and_limits),
		TEST(test_include_dir),
		TEST(test_bind_sources),
		TEST(test_bad_network_and_limits),
		TEST(test_limit_helpers),
		TEST(test_syntax_missing_brace),
		TEST(test_syntax_missing_brace_at_eof),
		TEST(test_lines_after_comments),
		TEST(test_env_expansion_refused),
		TEST(test_bad_state_dir_root),
		TEST(test_verify_interval),
		TEST(test_syntax_missing_equals),
		TEST(test_syntax_missing_quote),
		TEST(test_nul_byte),
		TEST(test_too_big),
		TEST(test_missing_file),
		TEST(test_rootfs_ok),
		TEST(test_rootfs_missing),
		TEST(test_rootfs_not_root_owned),
		TEST(test_rootfs_writable),
		TEST(test_rootfs_not_dir),
		TEST(test_rootfs_untrusted_parent),
		TEST(test_rootfs_generation_link),
		TEST(test_rootfs_generation_link_bad),
		TEST(test_check_owner_ok),
		TEST(test_check_owner_not_root),
		TEST(test_check_owner_writable),
		TEST(test_check_owner_symlink),
		TEST(test_check_owner_untrusted_dir),
		TEST(test_match_precedence),
		TEST(test_secure_defaults),
		TEST(test_bind_shared),
		TEST(test_bind_writable_dir),
		TEST(test_mentions),
		TEST(test_mentions_broken_config),
		TEST(test_mentions_include_dir),
		TEST(test_mentions_guess_comments),
		TEST(test_mentions_mutations),
		TEST(test_mentions_unreadable),
		TEST(test_decide),
		TEST(test_decide_insecure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
