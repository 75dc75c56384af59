/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pam_jail.so: session module.  In open_session (run by sshd in its
 * privileged monitor, before it forks the user's processes) it builds or
 * joins the user's jail and moves the calling process into the jail's mount,
 * PID and IPC namespaces, so that everything sshd starts for this login is in
 * there; sshd's ChrootDirectory (or jailsh as login shell) then enters the
 * jail root.  close_session drops the login's reference and tears the jail
 * down after the last logout.
 *
 * Fails closed: any error for a user the config jails is PAM_SESSION_ERR.
 * The only log calls of the module are in this file.
 */
#define PAM_SM_SESSION
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <syslog.h>
#include <sys/prctl.h>
#include "paths.h"
#include "jail/config.h"
#include "jail/jail.h"
#include "jail/landlock.h"
#include "jail/seccomp.h"
#include "jail/user.h"

#define DATA_NAME "pam_jail_handle"

/* What lives from open_session to close_session. */
struct session {
	struct jail_handle h;
	char *saved_cgroup; /* our own cgroups, to return to before teardown */
};

struct args {
	const char *config;
	bool debug;
};

static void log_escaped(pam_handle_t *pamh, int prio, const char *fmt, ...) _printf_(3, 4);
static void log_escaped(pam_handle_t *pamh, int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	/* user names and paths come from outside: each value is escaped where
	 * it is put in the line, so none can end its quotes or forge a field */
	va_start(ap, fmt);
	jail_log_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	pam_syslog(pamh, prio, "%s", line);
}

/*
 * Refuses the session: logs the line with ` ref=REF` appended and tells the
 * user one line with the same ref, never the reason (it may name paths and
 * files of the host).  sshd prints PAM messages of the session phase when it
 * gives up on the login.  Returns ret.
 */
static int refuse(pam_handle_t *pamh, int flags, int ret, const char *fmt, ...) _printf_(4, 5);
static int refuse(pam_handle_t *pamh, int flags, int ret, const char *fmt, ...)
{
	char line[2048], ref[JAIL_REF_SIZE];
	va_list ap;

	jail_ref_new(ref);
	va_start(ap, fmt);
	jail_log_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	pam_syslog(pamh, LOG_ERR, "%s ref=%s", line, ref);
	if (!(flags & PAM_SILENT))
		(void)pam_error(pamh, "pam_jail: " JAIL_REFUSAL_MSG, ref);
	return ret;
}

static int parse_args(pam_handle_t *pamh, int argc, const char **argv, struct args *a)
{
	a->config = JAIL_CONF;
	a->debug = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "debug") == 0)
			a->debug = true;
		else if (strncmp(argv[i], "config=", 7) == 0 && argv[i][7] == '/')
			a->config = argv[i] + 7;
		else {
			log_escaped(pamh, LOG_ERR, "unknown or malformed option '%s'", argv[i]);
			return PAM_SESSION_ERR;
		}
	}
	return PAM_SUCCESS;
}

static int errno_to_pam(int r)
{
	return r == -ENOMEM ? PAM_BUF_ERR : PAM_SESSION_ERR;
}

static void cleanup_handle(pam_handle_t *pamh, void *data, int error_status)
{
	struct session *ss = data;

	(void)pamh;
	(void)error_status;
	/* Also reached in sshd's forked children at pam_end(): only close our
	 * copies of the fds there.  The last close of the ref fd's open file
	 * releases the login's reference, which is exactly right after a crash. */
	jail_handle_close(&ss->h);
	free(ss->saved_cgroup);
	free(ss);
}

static bool is_shell_mode(const struct jail_user *u)
{
	const char *base = strrchr(u->shell, '/');

	return strcmp(u->shell, JAIL_HELPER) == 0 || (base && strcmp(base + 1, "jailsh") == 0);
}

static void restore_cgroup(struct session *ss)
{
	struct jail_cgroup_host host;

	if (!ss || !ss->saved_cgroup)
		return;
	jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
	(void)jail_cgroup_restore_self(&host, ss->saved_cgroup);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct jail_config *cfg = NULL;
	struct jail_user *u = NULL;
	struct session *ss = NULL;
	struct jail_handle *h = NULL;
	const struct jail_template *t;
	struct jail_error err = { 0 };
	const char *user = NULL;
	char msg[1024];
	struct args a;
	int r, ret;

	if (pam_get_item(pamh, PAM_USER, (const void **)&user) != PAM_SUCCESS || !user || !*user)
		return refuse(pamh, flags, PAM_SESSION_ERR, "action=refuse reason=\"no user name\"");
	r = jail_user_lookup(user, &u, &err);
	if (r < 0)
		return refuse(pamh, flags, r == -ENOENT ? PAM_USER_UNKNOWN : errno_to_pam(r),
			      "action=refuse user='%s' reason=\"%s\"", user, err.msg);
	if (u->uid == 0) {
		/* before the options, so that a typo in them cannot lock out root */
		ret = PAM_IGNORE;
		goto out;
	}
	ret = parse_args(pamh, argc, argv, &a);
	if (ret != PAM_SUCCESS) {
		ret = refuse(pamh, flags, ret, "action=refuse user='%s' reason=\"bad module option\"", u->name);
		goto out;
	}

	r = jail_config_load(a.config, JAIL_CONFIG_CHECK_OWNER, &cfg, &err);
	if (r < 0) {
		/* A config that parsed can be trusted to name users, so a broken one
		 * refuses everybody it mentions and spares the rest; an unreadable
		 * or insecure file names nobody we can trust: refuse everybody. */
		bool mentioned = err.line == 0 ||
			      jail_config_mentions(a.config, u->name, u->group_names, u->n_group_names) != 0;

		jail_error_format(&err, msg, sizeof(msg));
		if (mentioned) {
			ret = refuse(pamh, flags, PAM_SESSION_ERR, "action=refuse user='%s' reason=\"config error: %s\"",
				     u->name, msg);
		} else {
			log_escaped(pamh, LOG_WARNING, "action=ignore user='%s' reason=\"config error: %s; user not mentioned\"",
				    u->name, msg);
			ret = PAM_IGNORE;
		}
		goto out;
	}

	t = jail_config_match(cfg, u->name, u->group_names, u->n_group_names, NULL, NULL);
	if (!t) {
		if (a.debug)
			log_escaped(pamh, LOG_DEBUG, "user '%s' is not jailed by %s", u->name, cfg->path);
		ret = PAM_IGNORE;
		goto out;
	}

	ss = calloc(1, sizeof(*ss));
	if (!ss) {
		ret = PAM_BUF_ERR;
		goto out;
	}
	h = &ss->h;
	r = jail_acquire(cfg, t, u, JAIL_INIT, h, &err);
	if (r < 0) {
		ret = refuse(pamh, flags, errno_to_pam(r), "action=refuse user='%s' template='%s' reason=\"%s\"", u->name,
			     t->name, jail_error_format(&err, msg, sizeof(msg)));
		goto out;
	}
	/* all of the jail's namespaces; CLONE_NEWPID affects our children only,
	 * and the connection's socket keeps working in a new network namespace */
	r = jail_enter(h, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET, &err);
	if (r < 0)
		goto fail_release;
	if (h->cgroup[0]) {
		/* sshd forks the login's processes from here: they must start in
		 * the jail's cgroup, so this monitor goes there until logout */
		r = jail_cgroup_save_self(&ss->saved_cgroup);
		if (r == 0)
			r = jail_attach_cgroup(h, &err);
		else
			jail_err(&err, r, "cannot read our own cgroups");
		if (r < 0)
			goto fail_release;
	}

	if (!is_shell_mode(u)) {
		/* ChrootDirectory mode: sshd's child will exec the user's programs
		 * directly.  Empty the bounding set and set no_new_privs here so
		 * they inherit it; this monitor keeps its effective capabilities.
		 * (In shell mode jailsh does this itself, and no_new_privs here
		 * would stop the setuid jailsh from working.) */
		for (int i = 0; i <= 63; i++)
			if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL) {
				r = jail_err(&err, negative_errno(), "cannot empty the bounding set: %m");
				goto fail_release;
			}
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			r = jail_err(&err, negative_errno(), "cannot set no_new_privs: %m");
			goto fail_release;
		}
		/* the monitor itself needs none of the blocked calls any more */
		if (t->seccomp && (r = jail_seccomp_apply(&err)) < 0)
			goto fail_release;
		/* landlock = true: nor abstract unix sockets outside, which would
		 * let a colluding process pass the login a host directory fd */
		if (t->landlock && (r = jail_landlock_scope(&err)) < 0)
			goto fail_release;
	}

	if (pam_set_data(pamh, DATA_NAME, ss, cleanup_handle) != PAM_SUCCESS) {
		r = jail_err(&err, -ENOMEM, "pam_set_data failed");
		goto fail_release;
	}
	log_escaped(pamh, LOG_INFO, "action=%s user='%s' template='%s' init=%d pid=%d", h->created ? "create" : "join",
		    u->name, h->template_name, (int)h->init_pid, (int)getpid());
	ss = NULL;
	ret = PAM_SUCCESS;
	goto out;

fail_release:
	restore_cgroup(ss);
	(void)jail_release(h, NULL, NULL);
	ret = refuse(pamh, flags, errno_to_pam(r), "action=refuse user='%s' template='%s' reason=\"%s\"", u->name,
		     t->name, jail_error_format(&err, msg, sizeof(msg)));
out:
	if (ss)
		free(ss->saved_cgroup);
	free(ss);
	jail_config_free(cfg);
	jail_user_free(u);
	return ret;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct session *ss = NULL;
	struct jail_handle *h;
	struct jail_error err = { 0 };
	bool torn_down = false;
	char user[65], tmpl[65];

	(void)flags;
	(void)argc;
	(void)argv;
	if (pam_get_data(pamh, DATA_NAME, (const void **)&ss) != PAM_SUCCESS || !ss)
		return PAM_IGNORE; /* not jailed by us */
	h = &ss->h;
	/* out of the jail's cgroup first, or it could not be removed */
	restore_cgroup(ss);
	snprintf(user, sizeof(user), "%s", h->user);
	snprintf(tmpl, sizeof(tmpl), "%s", h->template_name);
	if (jail_release(h, &torn_down, &err) < 0) {
		log_escaped(pamh, LOG_ERR, "action=leave user='%s' template='%s' reason=\"%s\"", user, tmpl, err.msg);
		return PAM_SESSION_ERR;
	}
	log_escaped(pamh, LOG_INFO, "action=leave user='%s' template='%s' pid=%d", user, tmpl, (int)getpid());
	if (torn_down)
		log_escaped(pamh, LOG_INFO, "action=teardown user='%s' template='%s'", user, tmpl);
	return PAM_SUCCESS;
}
