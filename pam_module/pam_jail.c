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
 * The monitor itself never enters the jail's cgroup: there the memory
 * cgroup's OOM killer could pick it and a fork bomb at pids.max could stop it
 * forking the next login.  Instead, as an `auth` module too, setcred moves
 * sshd's session child into the cgroup: sshd calls pam_setcred() in that
 * child as root, before chroot and setuid, and before any user code runs
 * (platform_setusercontext_post_groups).  In the monitor, sshd calls
 * pam_setcred() before pam_open_session(), so open_session knows whether
 * the hook is configured and refuses a jail with limits when it is not.
 *
 * Fails closed: any error for a user the config jails is PAM_SESSION_ERR.
 * The only log calls of the module are in this file.
 */
#define PAM_SM_SESSION
#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <string.h>
#include <syslog.h>
#include <sys/prctl.h>
#include "paths.h"
#include "jail/cgroup.h"
#include "jail/config.h"
#include "jail/confine.h"
#include "jail/jail.h"
#include "jail/landlock.h"
#include "jail/path.h"
#include "jail/seccomp.h"
#include "jail/systemd.h"
#include "jail/user.h"

#define DATA_NAME "pam_jail_handle"
/* set by setcred before open_session: the setcred hook is in the stack */
#define SETCRED_DATA "pam_jail_setcred_seen"

/* What lives from open_session to close_session. */
struct session {
	struct jail_handle h;
	pid_t opener;                 /* the process that opened the session */
	unsigned long long pidns_ino; /* the jail's PID namespace */
	bool debug;
	bool chroot_mode;             /* sshd's ChrootDirectory enters the jail root */
	bool seccomp;                 /* the template's, for the session child */
	enum jail_landlock_mode landlock;
	char state_dir[PATH_MAX];
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
	free(ss);
}

/*
 * Whether our caller is sshd (its monitor: sshd, or sshd-session since
 * OpenSSH 9.8).  Only sshd enters the jail root itself (ChrootDirectory); any
 * other caller (su, runuser, login, a display manager, cron) would start the
 * user's shell in the jail's mount namespace but outside its root, with the
 * caller's terminal: there only jailsh as the login shell confines the login.
 */
static bool called_by_sshd(void)
{
	char exe[PATH_MAX];
	const char *base;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	return strncmp(base, "sshd", 4) == 0;
}

static bool is_shell_mode(const struct jail_user *u)
{
	const char *base = strrchr(u->shell, '/');

	return strcmp(u->shell, JAIL_HELPER) == 0 || (base && strcmp(base + 1, "jailsh") == 0);
}

static bool setcred_hooked(pam_handle_t *pamh)
{
	const void *seen = NULL;

	return pam_get_data(pamh, SETCRED_DATA, &seen) == PAM_SUCCESS && seen;
}

static int ns_inode(const char *path, unsigned long long *ret)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return negative_errno();
	*ret = (unsigned long long)st.st_ino;
	return 0;
}

/*
 * Loads the config and finds u's template.  Returns true with *ret_cfg and
 * *ret_t set, or false with *ret_pam PAM_IGNORE when the config does not jail
 * u (a broken one that does not mention u included, logged) or `fail` after
 * refuse().
 */
static bool load_user_config(pam_handle_t *pamh, int flags, const struct args *a,
			     const struct jail_user *u, int fail, int *ret_pam,
			     struct jail_config **ret_cfg, const struct jail_template **ret_t)
{
	struct jail_decision d;
	char msg[1024];

	jail_config_decide(a->config, JAIL_CONFIG_CHECK_OWNER, u->name, u->uid, u->group_names,
			   u->n_group_names, &d);
	switch (d.verdict) {
	case JAIL_VERDICT_JAILED:
		*ret_cfg = d.cfg;
		*ret_t = d.t;
		return true;
	case JAIL_VERDICT_REFUSE:
		*ret_pam = refuse(pamh, flags, fail,
				  "action=refuse user='%s' reason=\"config error: %s\"", u->name,
				  jail_error_format(&d.err, msg, sizeof(msg)));
		break;
	case JAIL_VERDICT_FREE:
		if (d.err.msg[0])
			log_escaped(pamh, LOG_WARNING,
				    "action=ignore user='%s' reason=\"config error: %s; user not "
				    "mentioned\"",
				    u->name, jail_error_format(&d.err, msg, sizeof(msg)));
		else if (a->debug)
			log_escaped(pamh, LOG_DEBUG, "user '%s' is not jailed by %s", u->name,
				    a->config);
		*ret_pam = PAM_IGNORE;
		break;
	}
	jail_decision_done(&d);
	return false;
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
	char msg[1024], slice[64], scope[JAIL_UNIT_NAME_MAX + 1] = "";
	const bool on_systemd = jail_systemd_booted();
	struct args a;
	int r, ret;

	if (pam_get_item(pamh, PAM_USER, (const void **)&user) != PAM_SUCCESS || !user || !*user)
		return refuse(pamh, flags, PAM_SESSION_ERR,
			      "action=refuse reason=\"no user name\"");
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
		ret = refuse(pamh, flags, ret,
			     "action=refuse user='%s' reason=\"bad module option\"", u->name);
		goto out;
	}

	if (!load_user_config(pamh, flags, &a, u, PAM_SESSION_ERR, &ret, &cfg, &t))
		goto out;
	if (!is_shell_mode(u) && !called_by_sshd()) {
		const void *service = NULL;

		(void)pam_get_item(pamh, PAM_SERVICE, &service);
		ret = refuse(pamh, flags, PAM_SESSION_ERR,
			     "action=refuse user='%s' template='%s' service='%s' reason=\"only "
			     "sshd (ChrootDirectory) or jailsh as the login shell can confine a "
			     "login; this service would start the user's shell outside the jail's "
			     "root\"",
			     u->name, t->name, service ? (const char *)service : "?");
		goto out;
	}
	if (!is_shell_mode(u) && !setcred_hooked(pamh)) {
		/* the hook gives sshd's session child a root that holds the
		 * jail alone, whatever sshd's own ChrootDirectory decides */
		ret = refuse(pamh, flags, PAM_SESSION_ERR,
			     "action=refuse user='%s' template='%s' reason=\"ChrootDirectory mode "
			     "needs 'auth optional pam_jail.so' in sshd's PAM stack as well as the "
			     "session line (pam_jail(8))\"",
			     u->name, t->name);
		goto out;
	}
	if (jail_user_manager_running(u->uid)) {
		/* pam_systemd, earlier in the stack, has the user's manager
		 * started; it runs outside the jail and starts the units in the
		 * home, which the jail can write: fail closed.  The drop-in
		 * that keeps it from starting is the fix (pam_jail(8)). */
		ret = refuse(pamh, flags, PAM_SESSION_ERR,
			     "action=refuse user='%s' template='%s' reason=\"user@%u.service "
			     "(systemd --user) runs outside the jail and starts units from the "
			     "home: install pam_jail's user@.service drop-in, systemctl "
			     "daemon-reload, systemctl stop user@%u.service (pam_jail(8), "
			     "SYSTEMD)\"",
			     u->name, t->name, (unsigned)u->uid, (unsigned)u->uid);
		goto out;
	}
	if (jail_limits_any(&t->limits) && on_systemd) {
		/* systemd host: the limits are set on the user's slice, where
		 * pam_systemd (earlier in the session stack) put this login */
		struct jail_cgroup_host host;
		char missing[64];

		jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
		if (t->limits.required &&
		    jail_limits_unsupported(&t->limits, &host, missing, sizeof(missing)) > 0) {
			ret = refuse(pamh, flags, PAM_SESSION_ERR,
				     "action=refuse user='%s' template='%s' reason=\"the host "
				     "cannot enforce the required limits: %s\"",
				     u->name, t->name, missing);
			goto out;
		}
		if (jail_user_slice_name(u->uid, slice, sizeof(slice)) < 0 ||
		    !jail_self_in_slice(slice)) {
			ret = refuse(pamh, flags, PAM_SESSION_ERR,
				     "action=refuse user='%s' template='%s' reason=\"the template "
				     "has limits, which systemd enforces on the user's slice %s, "
				     "and this login is not in it: pam_systemd must come before "
				     "pam_jail in the session stack\"",
				     u->name, t->name, slice);
			goto out;
		}
	} else if (jail_limits_any(&t->limits) && !setcred_hooked(pamh)) {
		/* without the hook nothing would put the login into the jail's
		 * cgroup: its limits would not hold, so fail closed */
		ret = refuse(pamh, flags, PAM_SESSION_ERR,
			     "action=refuse user='%s' template='%s' reason=\"the template has "
			     "limits: the PAM stack needs 'auth optional pam_jail.so' as well as "
			     "the session line\"",
			     u->name, t->name);
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
		ret = refuse(pamh, flags, errno_to_pam(r),
			     "action=refuse user='%s' template='%s' reason=\"%s\"", u->name,
			     t->name, jail_error_format(&err, msg, sizeof(msg)));
		goto out;
	}
	/* On a systemd host, a new jail's init goes into a scope of its own in
	 * the user's slice (and the template's limits onto the slice), so that
	 * it outlives the session that made it even with KillUserProcesses=yes,
	 * and loginctl terminate-user still ends it (but a jail that lingers,
	 * which outlives the user's last session on purpose).  Before
	 * jail_enter: the system bus is not in the jail's mount namespace. */
	if (on_systemd && h->created) {
		r = jail_systemd_place_init(u->name, u->uid, h->init_pid, &t->limits, h->linger_s,
					    scope, sizeof(scope), &err);
		if (r < 0)
			goto fail_release;
	}
	/* all of the jail's namespaces; CLONE_NEWPID affects our children only,
	 * and the connection's socket keeps working in a new network namespace;
	 * in shell mode, the login record that hands the login to jailsh */
	r = jail_enter(cfg, h, u, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET,
		       is_shell_mode(u) ? JAIL_LOGIN_RECORD : NULL, &err);
	if (r < 0)
		goto fail_release;
	/* The monitor stays out of the jail's cgroup (see the top of this
	 * file); setcred moves the session child in.  A jail built earlier
	 * with limits (a template changed since) needs the hook as well. */
	if (h->cgroup[0] && !setcred_hooked(pamh)) {
		r = jail_err(&err, -EPERM,
			     "the jail has limits: the PAM stack needs 'auth optional pam_jail.so' "
			     "as well as the session line");
		goto fail_release;
	}
	ss->opener = getpid();
	ss->debug = a.debug;
	ss->chroot_mode = !is_shell_mode(u);
	ss->seccomp = t->seccomp;
	ss->landlock = t->landlock;
	snprintf(ss->state_dir, sizeof(ss->state_dir), "%s", cfg->state_dir);
	r = ns_inode("/proc/self/ns/pid_for_children", &ss->pidns_ino);
	if (r < 0) {
		jail_err(&err, r, "cannot read the jail's PID namespace: %s", strerror(-r));
		goto fail_release;
	}

	if (!is_shell_mode(u)) {
		/* ChrootDirectory mode: sshd's child will exec the user's programs
		 * directly.  Empty the bounding set and set no_new_privs here so
		 * they inherit it; this monitor keeps its effective capabilities.
		 * (In shell mode jailsh does this itself, and no_new_privs here
		 * would stop the setuid jailsh from working.) */
		r = jail_bounding_set_empty(&err);
		if (r < 0)
			goto fail_release;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			r = jail_err(&err, negative_errno(), "cannot set no_new_privs: %m");
			goto fail_release;
		}
		/* seccomp and landlock follow in the session child, after
		 * its mount namespace is made (pam_sm_setcred): the filter
		 * blocks mount and unshare, an older kernel's Landlock domain
		 * any mount.  Whether this kernel can do what landlock
		 * requires is known now: refuse here, before any fork. */
		if ((r = jail_landlock_check(t, &err)) < 0)
			goto fail_release;
	}

	if (pam_set_data(pamh, DATA_NAME, ss, cleanup_handle) != PAM_SUCCESS) {
		r = jail_err(&err, -ENOMEM, "pam_set_data failed");
		goto fail_release;
	}
	if (scope[0])
		log_escaped(pamh, LOG_INFO,
			    "action=%s user='%s' template='%s' init=%d unit='%s' pid=%d",
			    h->created ? "create" : "join", u->name, h->template_name,
			    (int)h->init_pid, scope, (int)getpid());
	else
		log_escaped(pamh, LOG_INFO, "action=%s user='%s' template='%s' init=%d pid=%d",
			    h->created ? "create" : "join", u->name, h->template_name,
			    (int)h->init_pid, (int)getpid());
	if (h->created) {
		const char *hole = jail_landlock_hole(t);

		if (hole)
			log_escaped(pamh, LOG_WARNING,
				    "action=warn user='%s' template='%s' "
				    "risk=abstract-unix-sockets reason=\"%s\" detail=\"host "
				    "processes can pass this jail host fds over abstract unix "
				    "sockets; use network = none or a kernel with Landlock scoping "
				    "(6.12)\"",
				    u->name, h->template_name, hole);
		if (h->home_warning[0])
			log_escaped(pamh, LOG_WARNING,
				    "action=warn user='%s' template='%s' risk=home-reachable "
				    "reason=\"%s\"",
				    u->name, h->template_name, h->home_warning);
	}
	ss = NULL;
	ret = PAM_SUCCESS;
	goto out;

fail_release:
	(void)jail_release(h, NULL, NULL);
	ret = refuse(pamh, flags, errno_to_pam(r),
		     "action=refuse user='%s' template='%s' reason=\"%s\"", u->name, t->name,
		     jail_error_format(&err, msg, sizeof(msg)));
out:
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
	snprintf(user, sizeof(user), "%s", h->user);
	snprintf(tmpl, sizeof(tmpl), "%s", h->template_name);
	if (jail_release(h, &torn_down, &err) < 0) {
		log_escaped(pamh, LOG_ERR, "action=leave user='%s' template='%s' reason=\"%s\"",
			    user, tmpl, err.msg);
		return PAM_SESSION_ERR;
	}
	log_escaped(pamh, LOG_INFO, "action=leave user='%s' template='%s' pid=%d", user, tmpl,
		    (int)getpid());
	if (torn_down)
		log_escaped(pamh, LOG_INFO, "action=teardown user='%s' template='%s'", user, tmpl);
	return PAM_SUCCESS;
}

/* Logs, then ends this process: called in sshd's session child only, where
 * a failed pam_setcred() is merely logged by sshd (after public-key
 * authentication) and the login would go on outside the jail's limits. */
static _Noreturn void refuse_child(pam_handle_t *pamh, const struct session *ss, const char *why)
{
	log_escaped(pamh, LOG_ERR, "action=refuse user='%s' template='%s' reason=\"%s\" pid=%d",
		    ss->h.user, ss->h.template_name, why, (int)getpid());
	_exit(1);
}

/*
 * In sshd's monitor, before open_session (PAM_ESTABLISH_CRED): remember that
 * the hook is configured.  In a process forked after open_session, i.e. in
 * sshd's session child, still root and before chroot, setuid and any user
 * code: move it into the jail's cgroup, so that everything the login runs
 * is limited and nothing of sshd's monitor is; in ChrootDirectory mode, give
 * it a root that holds nothing but the jail (jail_session_root), so that no
 * disagreement between sshd's Match blocks and the config can leave the
 * login on the host's tree.
 */
/* the process whose root jail_session_root() made (sshd may call setcred
 * again in the same child) */
static pid_t session_root_pid;

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	static const char seen = 1;
	struct jail_cgroup_host host;
	struct jail_error err = { 0 };
	struct session *ss = NULL;
	unsigned long long ino = 0;
	char msg[600];
	bool child;

	(void)argc;
	(void)argv;
	if (pam_get_data(pamh, DATA_NAME, (const void **)&ss) != PAM_SUCCESS || !ss) {
		if (!(flags & PAM_DELETE_CRED) &&
		    pam_set_data(pamh, SETCRED_DATA, (void *)&seen, NULL) != PAM_SUCCESS)
			return PAM_BUF_ERR;
		return PAM_IGNORE;
	}
	/* the monitor is not in the jail's PID namespace, its children are */
	child = getpid() != ss->opener ||
		(ns_inode("/proc/self/ns/pid", &ino) == 0 && ino == ss->pidns_ino);
	if (!child || (flags & PAM_DELETE_CRED) || session_root_pid == getpid())
		return PAM_IGNORE;
	if (ss->h.cgroup[0]) {
		jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
		/* joining works at pids.max (a move is never refused), forking
		 * then would not: say why instead of letting the login fail later */
		if (jail_cgroup_pids_exhausted(&host, ss->h.cgroup) > 0)
			refuse_child(pamh, ss, "the jail is at its pids limit");
		if (jail_cgroup_attach(&host, ss->h.cgroup, 0, &err) < 0) {
			snprintf(msg, sizeof(msg), "cannot join the jail's cgroup: %s", err.msg);
			refuse_child(pamh, ss, msg);
		}
		if (ss->debug)
			log_escaped(pamh, LOG_DEBUG,
				    "user '%s': session process %d joined cgroup '%s'", ss->h.user,
				    (int)getpid(), ss->h.cgroup);
	}
	/* after the cgroup, which is reached through the host's tree */
	if (ss->chroot_mode) {
		/* a root that holds the jail alone (sshd's ChrootDirectory
		 * enters it, and drops the ids itself), the seccomp filter (it
		 * blocks the mount calls just made) and Landlock scoping (no
		 * abstract unix socket outside, which would let a colluding
		 * process pass the login a host directory fd) */
		const struct jail_confinement conf = {
			.state_dir = ss->state_dir,
			.user = ss->h.user,
			.chroot = false,
			.as = NULL,
			.seccomp = ss->seccomp,
			.landlock = ss->landlock,
			.template_name = ss->h.template_name,
		};

		session_root_pid = getpid();
		/* jail_confine fails after its pivot too (seccomp, Landlock), where
		 * there is no /dev/log to connect to: connect first (sshd opens
		 * and closes the log around each message of its own) */
		openlog(NULL, LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
		if (jail_confine(&conf, &err) < 0) {
			snprintf(msg, sizeof(msg), "cannot confine the session to the jail: %s",
				 err.msg);
			refuse_child(pamh, ss, msg);
		}
		/* no connection to the host's log goes on into the jail */
		closelog();
	}
	return PAM_SUCCESS;
}

/*
 * account: for sshd's ChrootDirectory-mode users only, the checks of
 * open_session that need no jail: the config, the user's template, and the
 * inputs a jail is built from (the template's security walk, the home,
 * jail-init, the bind sources), with the very function jail creation uses.
 * Why twice: sshd runs the account stage after every successful
 * authentication and sends its PAM messages to the client as a banner
 * (OpenSSH auth2.c, userauth_finish), while the session stage's messages
 * reach the client only from the session's child, which sshd forks after it
 * chrooted, and the jail root of a refused login does not exist (session.c
 * safely_chroot: the connection ends without a word).  So what can be known
 * here is told here; a refusal that only building the jail finds stays
 * silent in ChrootDirectory mode (pam_jail(8)).  Builds nothing; PAM_IGNORE
 * unless it refuses, PAM_PERM_DENIED when it does.
 */
PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	_cleanup_(jail_inputs_close) struct jail_inputs in = JAIL_INPUTS_INIT;
	_cleanup_close_ int state_fd = -EBADF;
	struct jail_config *cfg = NULL;
	struct jail_user *u = NULL;
	const struct jail_template *t;
	struct jail_error err = { 0 };
	const char *user = NULL;
	char msg[1024];
	struct args a;
	int ret;

	/* what cannot be told apart here is left to open_session, which
	 * refuses it */
	if (pam_get_item(pamh, PAM_USER, (const void **)&user) != PAM_SUCCESS || !user || !*user ||
	    jail_user_lookup(user, &u, &err) < 0)
		return PAM_IGNORE;
	/* shell mode: the session's refusal line reaches the client (sshd
	 * prints it from the unchrooted session child); other services:
	 * open_session refuses ChrootDirectory-mode users there */
	if (u->uid == 0 || is_shell_mode(u) || !called_by_sshd()) {
		ret = PAM_IGNORE;
		goto out;
	}
	ret = parse_args(pamh, argc, argv, &a);
	if (ret != PAM_SUCCESS) {
		ret = refuse(pamh, flags, PAM_PERM_DENIED,
			     "action=refuse user='%s' reason=\"bad module option\"", u->name);
		goto out;
	}
	if (!load_user_config(pamh, flags, &a, u, PAM_PERM_DENIED, &ret, &cfg, &t))
		goto out;
	state_fd = jail_state_dir_open(cfg->state_dir, &err);
	if (state_fd < 0 || jail_inputs_open(cfg, t, u, JAIL_INIT, state_fd, 0, &in, &err) < 0) {
		ret = refuse(pamh, flags, PAM_PERM_DENIED,
			     "action=refuse user='%s' template='%s' reason=\"%s\"", u->name,
			     t->name, jail_error_format(&err, msg, sizeof(msg)));
		goto out;
	}
	if (a.debug)
		log_escaped(pamh, LOG_DEBUG, "user '%s': account checks passed (template '%s')",
			    u->name, t->name);
	ret = PAM_IGNORE;
out:
	jail_config_free(cfg);
	jail_user_free(u);
	return ret;
}

/* Only so that the module can sit in the auth stack, for setcred. */
PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}
