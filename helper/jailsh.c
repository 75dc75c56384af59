/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jailsh: setuid-root login shell that puts its caller into the caller's own
 * jail and runs the template's shell there with the original arguments.
 *
 * The caller is identified only by getuid(); the config is only the
 * compiled-in one; no argument is interpreted by privileged code (they are
 * handed to the unprivileged shell).  Order in main(): make the process sane
 * (fds, environment, signals, umask, rlimits), then read the config, then
 * build/join the jail, then chroot, drop every privilege, exec.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <termios.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include "paths.h"
#include "jail/config.h"
#include "jail/confine.h"
#include "jail/jail.h"
#include "jail/landlock.h"
#include "jail/login-record.h"
#include "jail/path.h"
#include "jail/seccomp.h"
#include "jail/systemd.h"
#include "jail/term.h"
#include "jail/user.h"

#define MAX_ENV 64

static char *saved_env[MAX_ENV];
static pid_t relay_parent;
static uid_t caller_uid = (uid_t)-1; /* the real uid we were started with */
static size_t n_saved_env;
static mode_t saved_umask;
static struct rlimit saved_fsize, saved_core;

static _Noreturn void die(int code, const char *fmt, ...) _printf_(2, 3);
static _Noreturn void die(int code, const char *fmt, ...)
{
	char safe[2048], ref[JAIL_REF_SIZE];
	va_list ap;

	jail_ref_new(ref);
	va_start(ap, fmt);
	jail_log_vformat(safe, sizeof(safe), fmt, ap); /* each value escaped */
	va_end(ap);
	syslog(LOG_ERR, "%s ref=%s", safe, ref);
	/* the reason is for the log; the caller (the user, over ssh or su)
	 * gets the ref, except root, who is refused before reading anything */
	if (caller_uid == 0)
		dprintf(STDERR_FILENO, "jailsh: %s (ref %s)\n", safe, ref);
	else
		dprintf(STDERR_FILENO, "jailsh: " JAIL_REFUSAL_MSG "\n", ref);
	_exit(code);
}

/* Step 1: a sane process, before anything reads the environment or files. */
static void sanitize(void)
{
	extern char **environ;
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* fds 0-2 must exist, or our own opens could become someone's stdout */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0) {
			int n = open("/dev/null", O_RDWR);

			if (n != fd)
				_exit(126);
		}
	(void)close_range(3, ~0U, 0);

	for (char **e = environ; e && *e && n_saved_env < MAX_ENV; e++)
		if (jail_env_wanted(*e, true) && strlen(*e) < 4096)
			saved_env[n_saved_env++] = strdup(*e);
	clearenv();
	(void)setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);

	saved_umask = umask(077);
	(void)getrlimit(RLIMIT_FSIZE, &saved_fsize);
	(void)getrlimit(RLIMIT_CORE, &saved_core);
	(void)setrlimit(RLIMIT_FSIZE, &(struct rlimit){ RLIM_INFINITY, RLIM_INFINITY });
	(void)setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The jail a shell is started in: from the login record (a login that the
 * PAM module put in the jail) or from the config (a login jailsh builds or
 * joins itself). */
struct shell_jail {
	const char *state_dir;
	const char *template_name;
	const char *shell;
	bool seccomp;
	enum jail_landlock_mode landlock;
};

/* relayed: the shell runs under our relay (it ends when the relay's parent
 * dies, as with a terminal's hangup) */
static _Noreturn void exec_shell(const struct shell_jail *j, const struct jail_user *u, int argc,
				 char **argv, bool relayed)
{
	char argv0[NAME_MAX + 2], home[PATH_MAX + 8], user[128], logname[128], shell[PATH_MAX + 8];
	struct jail_error err = { 0 };
	const char *base;
	char *envp[MAX_ENV + 8];
	char **nargv;
	size_t n = 0;

	/* a namespace whose root is the jail and nothing else (the shell holds
	 * none of the host's mounts that the login's namespace copied), the
	 * user's ids, the template's seccomp filter and Landlock scoping */
	const struct jail_confinement conf = {
		.state_dir = j->state_dir,
		.user = u->name,
		.chroot = true,
		.as = u,
		.seccomp = j->seccomp,
		.landlock = j->landlock,
		.template_name = j->template_name,
	};

	if (jail_confine(&conf, &err) < 0)
		die(1, "user '%s': %s", u->name, err.msg);
	if (chdir(u->home) < 0 && chdir("/") < 0)
		die(1, "chdir: %m");
	/* Set after the credential change, which clears it.  A parent killed
	 * before that: we were reparented to a reaper of our own PID namespace
	 * (jail-init), while the parent shows as 0 from inside the jail's PID
	 * namespace or as itself from the same one. */
	if (relayed) {
		pid_t pp;

		if (prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0) < 0)
			die(1, "user '%s': PR_SET_PDEATHSIG: %m", u->name);
		pp = getppid();
		if (pp != 0 && pp != relay_parent)
			die(1, "user '%s': the session's parent is gone", u->name);
	}

	umask(saved_umask);
	(void)setrlimit(RLIMIT_FSIZE, &saved_fsize);
	(void)setrlimit(RLIMIT_CORE, &saved_core);

	snprintf(home, sizeof(home), "HOME=%s", u->home);
	snprintf(user, sizeof(user), "USER=%s", u->name);
	snprintf(logname, sizeof(logname), "LOGNAME=%s", u->name);
	snprintf(shell, sizeof(shell), "SHELL=%s", j->shell);
	envp[n++] = home;
	envp[n++] = user;
	envp[n++] = logname;
	envp[n++] = shell;
	envp[n++] = (char *)"PATH=/usr/local/bin:/usr/bin:/bin";
	for (size_t i = 0; i < n_saved_env; i++)
		if (saved_env[i])
			envp[n++] = saved_env[i];
	envp[n] = NULL;

	/* a login shell ("-jailsh") runs the jail's shell as a login shell */
	base = strrchr(j->shell, '/');
	base = base ? base + 1 : j->shell;
	snprintf(argv0, sizeof(argv0), "%s%s", (argv[0] && argv[0][0] == '-') ? "-" : "", base);
	nargv = calloc((size_t)argc + 2, sizeof(char *));
	if (nargv) {
		nargv[0] = argv0;
		for (int i = 1; i < argc; i++)
			nargv[i] = argv[i];
		execve(j->shell, nargv, envp);
	}
	die(127, "user '%s': cannot run '%s' in the jail: %m", u->name, j->shell);
}

/*
 * The login record that the PAM module (jail_enter) left for this login, if
 * this process runs in that login's namespace: bound over JAIL_LOGIN_RECORD
 * there, root-owned, naming the caller and this very mount namespace (see
 * include/jail/login-record.h).  0, or -ENOENT when there is none (on the
 * host the file is empty), or -EINVAL when one is there but not this
 * login's.
 */
static int read_login_record(const struct jail_user *u, struct jail_login_record *rec)
{
	char text[JAIL_LOGIN_RECORD_MAX];
	struct stat st, ns;
	ssize_t n;
	int fd;

	fd = open(JAIL_LOGIN_RECORD, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) ||
	    st.st_size >= (off_t)sizeof(text)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return n == 0 ? -ENOENT : -EINVAL;
	text[n] = '\0';
	if (jail_login_record_parse(text, rec) < 0 || rec->uid != u->uid ||
	    strcmp(rec->user, u->name) != 0 || stat("/proc/self/ns/mnt", &ns) < 0 ||
	    (unsigned long long)ns.st_ino != rec->mntns)
		return -EINVAL;
	return 0;
}

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

/*
 * In the jail already, with a session sshd made for it: sshd forks the login
 * shell into a session of its own (setsid, and for a pty session the pty as
 * controlling terminal), and everything it hands over is made inside the jail
 * (its pipes or sockets, a pty of the jail's devpts).  Anything else - su or
 * login with pam_jail.so in their stack, which joined the jail in the caller's
 * process and session, or a host terminal or file on fds 0-2 - goes through
 * the relay.
 */
static bool sshd_made_session(void)
{
	struct stat pts, st;
	bool ctty_on_fd = false;
	pid_t sid = getsid(0);
	int tty;

	if (sid != getpid() || stat("/dev/pts", &pts) < 0)
		return false;
	for (int fd = 0; fd < 3; fd++) {
		if (fstat(fd, &st) < 0)
			return false;
		if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			continue;
		if (!isatty(fd) || st.st_dev != pts.st_dev)
			return false;
		if (tcgetsid(fd) == sid)
			ctty_on_fd = true; /* a jail pty is our controlling terminal */
	}
	/* any controlling terminal must be one of those (/dev/tty is 5:0
	 * whichever terminal it is, so it cannot be told apart by itself) */
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0)
		return errno == ENXIO;
	safe_close(tty);
	return ctty_on_fd;
}

/*
 * Runs the shell in a child that gets none of the caller's fds, terminal or
 * session (include/jail/term.h), relays until it exits, then drops the
 * login reference `h` (NULL: the caller's PAM session holds the jail).
 * Called in the jail's namespaces.  Returns the exit status for main().
 */
static int run_relayed(const struct shell_jail *j, const struct jail_user *u,
		       struct jail_handle *h, struct jail_term *term, int argc, char **argv)
{
	struct jail_error err = { 0 };
	int status;
	pid_t child;

	if (jail_term_open(term, u->uid, &err) < 0) {
		jail_term_close(term);
		if (h)
			(void)jail_release(h, NULL, NULL);
		die(1, "action=refuse user='%s' reason=\"%s\"", u->name, err.msg);
	}
	relay_parent = getpid();
	child = fork();
	if (child < 0) {
		jail_term_close(term);
		if (h)
			(void)jail_release(h, NULL, NULL);
		die(1, "action=refuse user='%s' reason=\"fork: %m\"", u->name);
	}
	if (child == 0) {
		if (h) {
			if (jail_attach_cgroup(h, &err) < 0)
				die(1, "action=refuse user='%s' reason=\"%s\"", u->name, err.msg);
			jail_handle_close(h);
		}
		if (jail_term_child(term, &err) < 0)
			die(1, "user '%s': %s", u->name, err.msg);
		exec_shell(j, u, argc, argv, true);
	}

	/* The parent: root in full, so the jailed user cannot signal or trace
	 * it; it relays bytes and signals until the shell exits. */
	status = jail_term_relay(term, child);
	jail_term_close(term);
	if (h) {
		bool torn_down = false;
		char uname[65], tname[65];

		snprintf(uname, sizeof(uname), "%s", h->user);
		snprintf(tname, sizeof(tname), "%s", h->template_name);
		if (jail_release(h, &torn_down, &err) < 0)
			jail_syslog(LOG_ERR, "action=leave user='%s' reason=\"%s\"", uname,
				    err.msg);
		else
			jail_syslog(LOG_INFO, "action=leave user='%s' template='%s' pid=%d", uname,
				    tname, (int)getpid());
		if (torn_down)
			jail_syslog(LOG_INFO, "action=teardown user='%s' template='%s'", uname,
				    tname);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Whether the caller runs under the template's limits: on a systemd host in
 * the user's slice (pam_systemd put the login there, pam_jail.so limited the
 * slice), elsewhere in a cgroup of the user's jails (pam_jail's setcred). */
static bool limited_here(const struct jail_cgroup_host *host, const struct jail_user *u,
			 const struct jail_limits *limits)
{
	char slice[64];

	if (jail_systemd_booted())
		return jail_user_slice_name(u->uid, slice, sizeof(slice)) == 0 &&
		       jail_self_in_slice(slice);
	return jail_cgroup_self_in_jail(host, u->name, limits) == 0;
}

int main(int argc, char **argv)
{
	struct jail_login_record rec;
	struct shell_jail j;
	struct jail_decision d;
	struct jail_config *cfg;
	struct jail_user *u = NULL;
	const struct jail_template *t;
	struct jail_handle h;
	struct jail_term term;
	struct jail_error err = { 0 };
	char msg[1024];
	uid_t ruid;
	int r;

	caller_uid = ruid = getuid();
	sanitize();
	openlog("jailsh", LOG_PID, LOG_AUTHPRIV);
	if (geteuid() != 0)
		die(126,
		    "not installed setuid root (or no_new_privs is set); refusing to run unjailed");
	if (ruid == 0)
		die(1, "root is never jailed; use 'jailctl enter USER' to look into a jail");
	/* Root in full before anything is done for the caller: a process whose
	 * uids are all 0 cannot be signalled (SIGSTOP while it holds the jail's
	 * lock), traced or have its fds taken by the caller; the files it
	 * creates are root's; the caller's groups are of no use to it.  The
	 * jailed child gets the user's identity back from the user database. */
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die(1, "cannot become root: %m");

	r = jail_user_lookup_uid(ruid, &u, &err);
	if (r < 0)
		die(1, "%s", err.msg);
	/* A login that the PAM module (sshd, su, login) put in the jail: it
	 * left the login record in this login's namespace, which says which
	 * jail and how to confine the shell, without a second look at the
	 * config. */
	r = read_login_record(u, &rec);
	if (r == 0) {
		struct jail_cgroup_host host;

		j = (struct shell_jail){ .state_dir = rec.state_dir,
					 .template_name = rec.template_name,
					 .shell = rec.shell,
					 .seccomp = rec.seccomp,
					 .landlock = rec.landlock };
		/* pam_jail put this login in the jail's namespaces; its setcred
		 * hook put sshd's session child in the jail's cgroup.  A login
		 * that came another way (a PAM caller that never calls setcred
		 * in its child) must not run outside the template's limits. */
		jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
		if (jail_limits_any(&rec.limits) && !limited_here(&host, u, &rec.limits))
			die(1,
			    "action=refuse user='%s' template='%s' reason=\"inside the jail but "
			    "outside its cgroup: the template's limits would not hold\"",
			    u->name, rec.template_name);
		if (sshd_made_session())
			exec_shell(&j, u, argc, argv, false);
		jail_term_prepare(&term);
		return run_relayed(&j, u, NULL, &term, argc, argv);
	}
	if (r != -ENOENT)
		die(1,
		    "action=refuse user='%s' reason=\"%s holds a login record that is not this "
		    "login's\"",
		    u->name, JAIL_LOGIN_RECORD);

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
	r = run_relayed(&j, u, &h, &term, argc, argv);
	jail_config_free(cfg);
	jail_user_free(u);
	return r;
}
