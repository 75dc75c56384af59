/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jail-login: builds or joins the caller's jail for jailsh, when no PAM
 * module did (su, runuser or login without pam_jail.so in their stack, or a
 * direct call), and runs the template's shell there under the relay.
 *
 * Root's own program, not setuid: only jailsh runs it, after jailsh made the
 * process sane and became root in full, with a fixed argument list:
 *   jail-login UID UMASK FSIZE-CUR FSIZE-MAX CORE-CUR CORE-MAX -- [ARGV0 ARGS...]
 * and the environment jailsh kept for the shell.  The caller cannot signal,
 * trace or hand anything else to this process.  It stays root for the
 * session: at the end it gives the login's reference on the jail back
 * (jail_release), which tears the jail down after the last login.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include "paths.h"
#include "jail/config.h"
#include "jail/jail.h"
#include "jail/landlock.h"
#include "jail/path.h"
#include "jail/systemd.h"
#include "jail/term.h"
#include "jail/user.h"
#include "shell.h"

/* In a login namespace of this user's jail?  Only such a namespace has
 * STATE_DIR/U/skel; the host's STATE_DIR/U is root-only and holds no such
 * directory.  Not how jailsh finds its jail (the login record is): a login
 * namespace without a record of this login is refused. */
static bool inside_jail(const struct jail_config *cfg, const struct jail_user *u)
{
	char path[PATH_MAX];
	struct stat st;

	if (jail_state_path(path, sizeof(path), cfg->state_dir, u->name, JAIL_STATE_SKEL) < 0)
		return false;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0;
}

/* in the shell's child, before it is confined: into the jail's cgroup */
static void attach_cgroup(void *arg)
{
	struct jail_handle *h = arg;
	struct jail_error err = { 0 };

	if (jail_attach_cgroup(h, &err) < 0)
		die(1, "action=refuse user='%s' reason=\"%s\"", h->user, err.msg);
	jail_handle_close(h);
}

/* the numbers jailsh passes; -1 for anything else */
static int number(const char *s, unsigned long long *v, int base)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, base);
	return (errno || end == s || *end || s[0] == '-') ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long long v[6];
	struct shell_jail j;
	struct jail_decision d;
	struct jail_config *cfg;
	struct jail_user *u = NULL;
	const struct jail_template *t;
	struct jail_handle h;
	struct jail_term term;
	struct jail_error err = { 0 };
	bool torn_down = false;
	char msg[1024];
	int status;
	pid_t child;
	int r;

	sanitize();
	openlog("jailsh", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV); /* see jailsh's main() */
	if (getuid() != 0 || geteuid() != 0) {
		dprintf(STDERR_FILENO, "jail-login: only jailsh runs this\n");
		return 126;
	}
	if (argc < 8 || strcmp(argv[7], "--") != 0 || number(argv[1], &v[0], 10) < 0 ||
	    number(argv[2], &v[1], 8) < 0 || number(argv[3], &v[2], 10) < 0 ||
	    number(argv[4], &v[3], 10) < 0 || number(argv[5], &v[4], 10) < 0 ||
	    number(argv[6], &v[5], 10) < 0 || v[0] == 0 || v[0] >= (uid_t)-1 || v[1] > 0777)
		die(1, "jail-login: called wrongly (only jailsh runs this)");
	caller_uid = (uid_t)v[0];
	saved_umask = (mode_t)v[1];
	saved_fsize = (struct rlimit){ (rlim_t)v[2], (rlim_t)v[3] };
	saved_core = (struct rlimit){ (rlim_t)v[4], (rlim_t)v[5] };
	argc -= 8;
	argv += 8;

	r = jail_user_lookup_uid(caller_uid, &u, &err);
	if (r < 0)
		die(1, "%s", err.msg);
	/* the module's decision, stricter: jailsh is this user's shell, so
	 * anything but "jailed" (a broken config that does not mention the
	 * user included) refuses the login */
	jail_config_decide_strict(JAIL_CONF, JAIL_CONFIG_CHECK_OWNER, u->name, u->uid,
				  u->group_names, u->n_group_names, &d);
	if (d.verdict == JAIL_VERDICT_REFUSE)
		die(1, "action=refuse user='%s' reason=\"config error: %s\"", u->name,
		    jail_error_format(&d.err, msg, sizeof(msg)));
	if (d.verdict != JAIL_VERDICT_JAILED)
		die(1,
		    "action=refuse user='%s' reason=\"jailsh is the login shell but %s names no "
		    "template for the user\"",
		    u->name, JAIL_CONF);
	cfg = d.cfg;
	t = d.t;
	j = (struct shell_jail){ .state_dir = cfg->state_dir,
				 .template_name = t->name,
				 .shell = t->shell,
				 .seccomp = t->seccomp,
				 .landlock = t->landlock };
	/* a jail's login namespace without this login's record: not one that
	 * jailsh may build in or enter from */
	if (inside_jail(cfg, u))
		die(1,
		    "action=refuse user='%s' reason=\"in a login namespace of the jail without its "
		    "login record\"",
		    u->name);

	/* su, runuser, login, a direct call: the caller's terminal and fds
	 * stay out here (see include/jail/term.h) */
	jail_term_prepare(&term);
	{
		/* the terminal must not stop us while we hold the jail's lock */
		struct sigaction ign = { .sa_handler = SIG_IGN };

		sigaction(SIGTSTP, &ign, NULL);
		sigaction(SIGTTIN, &ign, NULL);
		sigaction(SIGTTOU, &ign, NULL);
	}
	/* On a systemd host the limits are the user's slice's, set over D-Bus
	 * by pam_jail.so when it makes the jail (jailsh never loads
	 * libsystemd): here a login with limits must be in that slice, and
	 * must not be the one that makes the jail. */
	if (jail_limits_any(&t->limits) && jail_systemd_booted()) {
		char slice[64];

		if (jail_user_slice_name(u->uid, slice, sizeof(slice)) < 0 ||
		    !jail_self_in_slice(slice))
			die(1,
			    "action=refuse user='%s' template='%s' reason=\"the template has "
			    "limits, which systemd enforces on the user's slice %s, and this login "
			    "is not in it\"",
			    u->name, t->name, slice);
	}
	r = jail_acquire(cfg, t, u, JAIL_INIT, &h, &err);
	if (r < 0)
		die(1, "action=refuse user='%s' template='%s' reason=\"%s\"", u->name, t->name,
		    jail_error_format(&err, msg, sizeof(msg)));
	if (h.created && jail_limits_any(&t->limits) && jail_systemd_booted()) {
		(void)jail_release(&h, NULL, NULL);
		die(1,
		    "action=refuse user='%s' template='%s' reason=\"on a systemd host a jail with "
		    "limits is made by pam_jail.so (a login through a PAM stack that holds it), "
		    "not by jailsh\"",
		    u->name, t->name);
	}
	jail_syslog(LOG_INFO, "action=%s user='%s' template='%s' init=%d pid=%d",
		    h.created ? "create" : "join", u->name, h.template_name, (int)h.init_pid,
		    (int)getpid());
	if (h.created) {
		const char *hole = jail_landlock_hole(t);

		if (hole)
			jail_syslog(LOG_WARNING,
				    "action=warn user='%s' template='%s' "
				    "risk=abstract-unix-sockets reason=\"%s\" detail=\"host "
				    "processes can pass this jail host fds over abstract unix "
				    "sockets; use network = none or a kernel with Landlock scoping "
				    "(6.12)\"",
				    u->name, h.template_name, hole);
		if (h.home_warning[0])
			jail_syslog(LOG_WARNING,
				    "action=warn user='%s' template='%s' risk=home-reachable "
				    "reason=\"%s\"",
				    u->name, h.template_name, h.home_warning);
	}
	/* Into the jail's namespaces (PID: for our children only).  Teardown
	 * afterwards works on the handle's fds, so the host's view of STATE_DIR
	 * is not needed any more. */
	if (jail_enter(cfg, &h, u, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET,
		       JAIL_LOGIN_RECORD, &err) < 0) {
		(void)jail_release(&h, NULL, NULL);
		die(1, "action=refuse user='%s' reason=\"%s\"", u->name, err.msg);
	}
	child = start_relayed(&j, u, &term, argc, argv, attach_cgroup, &h, &err);
	if (child < 0) {
		(void)jail_release(&h, NULL, NULL);
		die(1, "action=refuse user='%s' reason=\"%s\"", u->name, err.msg);
	}
	/* root in full, so the jailed user cannot signal or trace it; it relays
	 * until the shell exits, then gives the login's reference back */
	status = jail_term_relay(&term, child);
	jail_term_close(&term);
	{
		char uname[65], tname[65];

		snprintf(uname, sizeof(uname), "%s", h.user);
		snprintf(tname, sizeof(tname), "%s", h.template_name);
		if (jail_release(&h, &torn_down, &err) < 0)
			jail_syslog(LOG_ERR, "action=leave user='%s' reason=\"%s\"", uname,
				    err.msg);
		else
			jail_syslog(LOG_INFO, "action=leave user='%s' template='%s' pid=%d", uname,
				    tname, (int)getpid());
		if (torn_down)
			jail_syslog(LOG_INFO, "action=teardown user='%s' template='%s'", uname,
				    tname);
	}
	jail_config_free(cfg);
	jail_user_free(u);
	return shell_status(status);
}
