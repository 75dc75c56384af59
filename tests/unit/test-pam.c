/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The module's entry points without sshd: pam_jail.so is loaded with
 * dlopen(3) and its pam_sm_* functions are called with a real libpam handle
 * (pam_start_confdir(3) on a private PAM directory, so nothing of the
 * system's /etc/pam.d is read) and a conversation that records what the
 * user would be told.  Only the decisions made before a jail is built are
 * tested here: root, unknown users, bad options, broken or missing configs,
 * users the config does not name, and a jailed ChrootDirectory-mode user
 * whose caller is not sshd.  Building jails is the integration suite's job.
 *
 * The config files are root-owned when the test runs as root (as in CI);
 * otherwise the module's ownership check refuses them, which the test
 * accepts as the same refusal where a refusal is expected and skips the
 * cases that need a config the module trusts.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <security/pam_appl.h>
#include <security/pam_modules.h>

#ifndef TEST_MODULE
#error "TEST_MODULE: the path of the pam_jail.so under test"
#endif

typedef int (*sm_fn)(pam_handle_t *, int, int, const char **);

static void *module;
static sm_fn open_session, close_session;
static char dir[] = "/tmp/test-pam.XXXXXX";
static char told[4096]; /* what the conversation was given, one line each */

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)data;
	*resp = calloc((size_t)n, sizeof(**resp));
	if (!*resp)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(told);

		snprintf(told + len, sizeof(told) - len, "%d:%s\n", msg[i]->msg_style, msg[i]->msg);
	}
	return PAM_SUCCESS;
}

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0644), 0);
}

static int setup(void **state)
{
	char text[512];

	(void)state;
	if (!mkdtemp(dir) || chmod(dir, 0755) < 0)
		return -1;
	module = dlopen(TEST_MODULE, RTLD_NOW | RTLD_LOCAL);
	if (!module) {
		fprintf(stderr, "dlopen %s: %s\n", TEST_MODULE, dlerror());
		return -1;
	}
	open_session = (sm_fn)dlsym(module, "pam_sm_open_session");
	close_session = (sm_fn)dlsym(module, "pam_sm_close_session");
	if (!open_session || !close_session)
		return -1;
	/* the service whose handle the calls get: it is never run itself */
	put("svc", "session required pam_permit.so\n");
	/* a root-owned template directory: the config must load */
	snprintf(text, sizeof(text), "%s/tpl", dir);
	if (mkdir(text, 0755) < 0)
		return -1;
	snprintf(text, sizeof(text),
		 "state_dir = \"%s/state\"\ntemplate \"t\" {\n  rootfs = \"%s/tpl\"\n  shell = "
		 "\"/bin/sh\"\n}\nuser \"nobody\" { template = \"t\" }\n",
		 dir, dir);
	put("jails-nobody.conf", text);
	snprintf(text, sizeof(text),
		 "template \"t\" {\n  rootfs = \"%s/tpl\"\n}\nuser \"pjx_nobody_else\" { template "
		 "= \"t\" }\n",
		 dir);
	put("jails-other.conf", text);
	put("broken-mentions.conf", "user \"nobody\" { template = \"t\"\n");
	put("broken-other.conf", "user \"pjx_nobody_else\" { template = \"t\"\n");
	/* libconfuse escapes: the broken file names nobody as "nob\x6fdy" */
	put("broken-escaped.conf", "user \"nob\\x6fdy\" { template = \"t\"\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	if (module)
		dlclose(module);
	snprintf(cmd, sizeof(cmd), "rm -r --one-file-system '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* pam_start_confdir on our directory, user as PAM_USER (NULL: none) */
static pam_handle_t *start(const char *user)
{
	static const struct pam_conv c = { conv, NULL };
	pam_handle_t *pamh = NULL;

	told[0] = '\0';
	assert_int_equal(pam_start_confdir("svc", user, &c, dir, &pamh), PAM_SUCCESS);
	return pamh;
}

/* calls pam_sm_open_session with "config=DIR/CONFIG" (NULL: no option) and
 * extra option opt (NULL: none); returns its result */
static int open_with(const char *user, const char *config, const char *opt)
{
	char arg[300];
	const char *argv[2];
	int argc = 0, r;
	pam_handle_t *pamh = start(user);

	if (config) {
		snprintf(arg, sizeof(arg), "config=%s/%s", dir, config);
		argv[argc++] = arg;
	}
	if (opt)
		argv[argc++] = opt;
	r = open_session(pamh, 0, argc, argv);
	pam_end(pamh, r);
	return r;
}

static bool as_root(void)
{
	return geteuid() == 0;
}

/* the one line a refused user sees: a reference, never the reason */
static void assert_told_refusal(void)
{
	const char *p = strstr(told, "pam_jail: login refused: jail could not be set up (ref ");

	assert_non_null(p);
	assert_null(strstr(told, dir)); /* no path of the host */
	assert_null(strstr(told, "config"));
	assert_int_equal(told[0] - '0', PAM_ERROR_MSG);
}

static void test_root_is_never_jailed(void **state)
{
	(void)state;
	/* before the options: a typo in them cannot lock root out */
	assert_int_equal(open_with("root", "jails-nobody.conf", "no-such-option"), PAM_IGNORE);
	assert_string_equal(told, "");
}

static void test_no_user(void **state)
{
	pam_handle_t *pamh = start(NULL);

	(void)state;
	assert_int_equal(open_session(pamh, 0, 0, NULL), PAM_SESSION_ERR);
	pam_end(pamh, PAM_SESSION_ERR);
	assert_told_refusal();
}

static void test_unknown_user(void **state)
{
	(void)state;
	assert_int_equal(open_with("pjx-no-such-user", "jails-nobody.conf", NULL),
			 PAM_USER_UNKNOWN);
	assert_told_refusal();
}

static void test_bad_option(void **state)
{
	(void)state;
	assert_int_equal(open_with("nobody", "jails-nobody.conf", "no-such-option"),
			 PAM_SESSION_ERR);
	assert_told_refusal();
	/* config= must be absolute */
	{
		const char *argv[] = { "config=relative.conf" };
		pam_handle_t *pamh = start("nobody");

		assert_int_equal(open_session(pamh, 0, 1, argv), PAM_SESSION_ERR);
		pam_end(pamh, PAM_SESSION_ERR);
	}
}

static void test_silent(void **state)
{
	const char *argv[] = { "no-such-option" };
	pam_handle_t *pamh = start("nobody");

	(void)state;
	assert_int_equal(open_session(pamh, PAM_SILENT, 1, argv), PAM_SESSION_ERR);
	pam_end(pamh, PAM_SESSION_ERR);
	assert_string_equal(told, ""); /* PAM_SILENT: refused without a word */
}

static void test_missing_config_refuses_everybody(void **state)
{
	(void)state;
	assert_int_equal(open_with("nobody", "no-such.conf", NULL), PAM_SESSION_ERR);
	assert_told_refusal();
}

static void test_broken_config(void **state)
{
	(void)state;
	if (!as_root()) {
		skip(); /* the module trusts no config that is not root's */
		return;
	}
	/* refuses the users it mentions, also through an escape ... */
	assert_int_equal(open_with("nobody", "broken-mentions.conf", NULL), PAM_SESSION_ERR);
	assert_told_refusal();
	assert_int_equal(open_with("nobody", "broken-escaped.conf", NULL), PAM_SESSION_ERR);
	/* ... and spares the others */
	assert_int_equal(open_with("nobody", "broken-other.conf", NULL), PAM_IGNORE);
	assert_string_equal(told, "");
}

static void test_user_not_named(void **state)
{
	(void)state;
	if (!as_root()) {
		skip();
		return;
	}
	assert_int_equal(open_with("nobody", "jails-other.conf", NULL), PAM_IGNORE);
	assert_string_equal(told, "");
}

/* nobody's shell is not jailsh: ChrootDirectory mode, which only sshd can
 * confine; this test program is not sshd, as su or login would not be */
static void test_chroot_mode_outside_sshd(void **state)
{
	struct passwd *pw = getpwnam("nobody");

	(void)state;
	if (!as_root() || !pw || strstr(pw->pw_shell, "jailsh")) {
		skip();
		return;
	}
	assert_int_equal(open_with("nobody", "jails-nobody.conf", NULL), PAM_SESSION_ERR);
	assert_told_refusal();
	/* refused before anything was built: the state dir was never made */
	{
		char state_dir[300];
		struct stat st;

		snprintf(state_dir, sizeof(state_dir), "%s/state", dir);
		assert_int_equal(stat(state_dir, &st), -1);
	}
}

/* a session the module did not open is left alone */
static void test_close_without_open(void **state)
{
	char arg[300];
	const char *argv[1];
	pam_handle_t *pamh = start("nobody");

	(void)state;
	snprintf(arg, sizeof(arg), "config=%s/jails-nobody.conf", dir);
	argv[0] = arg;
	assert_int_equal(close_session(pamh, 0, 1, argv), PAM_IGNORE);
	pam_end(pamh, PAM_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_is_never_jailed),
		cmocka_unit_test(test_no_user),
		cmocka_unit_test(test_unknown_user),
		cmocka_unit_test(test_bad_option),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_missing_config_refuses_everybody),
		cmocka_unit_test(test_broken_config),
		cmocka_unit_test(test_user_not_named),
		cmocka_unit_test(test_chroot_mode_outside_sshd),
		cmocka_unit_test(test_close_without_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
