/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What jailsh and jail-login share (helper/shell.c): the caller's process
 * state saved at the start, the refusal, and starting the template's shell
 * in the jail, directly or under the relay.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "jail/confine.h"
#include "jail/term.h"
#include "shell.h"

char *saved_env[MAX_ENV + 1];
size_t n_saved_env;
pid_t relay_parent;
uid_t caller_uid = (uid_t)-1;
mode_t saved_umask;
struct rlimit saved_fsize, saved_core;

/* In a relayed shell's child until its exec: where die() puts the log line
 * (fork_reporting).  -1: syslog. */
static int die_report_fd = -1;

_Noreturn void die(int code, const char *fmt, ...)
{
	char safe[2048], ref[JAIL_REF_SIZE];
	va_list ap;

	jail_ref_new(ref);
	va_start(ap, fmt);
	jail_log_line(safe, sizeof(safe), fmt, ap); /* each value escaped */
	va_end(ap);
	if (die_report_fd >= 0) {
		char line[sizeof(safe) + sizeof(ref) + 8];
		int n = snprintf(line, sizeof(line), "%s ref=%s", safe, ref);

		/* one write, under PIPE_BUF: the parent reads it whole */
		if (n > 0)
			(void)!write(die_report_fd, line,
				     (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	} else {
		syslog(LOG_ERR, "%s ref=%s", safe, ref);
	}
	/* the reason is for the log; the caller (the user, over ssh or su)
	 * gets the ref, except root, who is refused before reading anything */
	if (caller_uid == 0)
		dprintf(STDERR_FILENO, "jailsh: %s (ref %s)\n", safe, ref);
	else
		dprintf(STDERR_FILENO, "jailsh: " JAIL_REFUSAL_MSG "\n", ref);
	_exit(code);
}

/* Step 1: a sane process, before anything reads the environment or files. */
void sanitize(void)
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

/* Step 2, as root: this process into the user's jail, as the user. */
void confine_shell(const struct shell_jail *j, const struct jail_user *u)
{
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
	struct jail_error err = { 0 };

	if (jail_confine(&conf, &err) < 0)
		die(1, "user '%s': %s", u->name, err.msg);
}

/* relayed: the shell runs under our relay (it ends when the relay's parent
 * dies, as with a terminal's hangup).  Runs confined, as the user. */
JAIL_UNPRIVILEGED _Noreturn void exec_confined(const struct shell_jail *j,
					       const struct jail_user *u, int argc, char **argv,
					       bool relayed)
{
	char argv0[NAME_MAX + 2], home[PATH_MAX + 8], user[128], logname[128], shell[PATH_MAX + 8];
	const char *base;
	char *envp[MAX_ENV + 8];
	char **nargv;
	size_t n = 0;

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

_Noreturn void exec_shell(const struct shell_jail *j, const struct jail_user *u, int argc,
			char **argv, bool relayed)
{
	confine_shell(j, u);
	exec_confined(j, u, argc, argv, relayed);
}

#define REPORT_WAIT_MS 10000

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * fork() for a shell under the relay.  The child loses its syslog connection
 * to jail_term_child() (and the jail has no /dev/log to make another), so
 * until its exec it reports a refusal through a close-on-exec pipe instead
 * (die_report_fd), and the parent, still connected, logs it:
 * log_child_refusal() reads until the exec or the exit closes the pipe.
 */
static pid_t fork_reporting(int *report)
{
	int p[2], saved;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		/* glibc's socket goes with close_range: never write through a
		 * number that something else may have by then */
		closelog();
		die_report_fd = p[1];
		return 0;
	}
	saved = errno;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		errno = saved;
		return -1;
	}
	*report = p[0];
	return pid;
}

static void log_child_refusal(int report)
{
	/* bounded: a child its user stopped (SIGSTOP, once it has the user's
	 * ids) must not hold the relay, root's in jail-login, for ever */
	const long long deadline = monotonic_ms() + REPORT_WAIT_MS;
	char line[4096];
	size_t len = 0;

	while (len < sizeof(line)) {
		struct pollfd p = { .fd = report, .events = POLLIN };
		long long left = deadline - monotonic_ms();
		ssize_t n;
		int k;

		if (left <= 0)
			break;
		k = poll(&p, 1, (int)left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n = read(report, line + len, sizeof(line) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(report);
	if (len > 0)
		syslog(LOG_ERR, "%.*s", (int)len, line);
}

/*
 * The relay run by the user, confined (jailsh, for a login that the module
 * put in the jail in the caller's process: su or login with pam_jail.so).
 * Everything of it runs after confine_shell(): the pty comes from the jail's
 * own /dev/ptmx and is the user's, the parent relays as the user, with no
 * capability, under the template's seccomp filter, and not dumpable, so
 * the jailed user may end it (ending their own session) but can neither
 * trace it nor take its fds (ptrace access needs a dumpable process or
 * CAP_SYS_PTRACE).  Returns main()'s exit status.
 */
JAIL_UNPRIVILEGED int relay_confined(const struct shell_jail *j, const struct jail_user *u,
				     int argc, char **argv)
{
	struct jail_error err = { 0 };
	struct jail_term term;
	int status, report;
	pid_t child;

	/* the credential change already cleared it unless suid_dumpable says
	 * otherwise: not for this process, which holds the caller's fds */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die(1, "action=refuse user='%s' reason=\"the relay: PR_SET_DUMPABLE: %m\"",
		    u->name);
	jail_term_prepare(&term);
	if (jail_term_open(&term, u->uid, &err) < 0) {
		jail_term_close(&term);
		die(1, "action=refuse user='%s' reason=\"%s\"", u->name, err.msg);
	}
	relay_parent = getpid();
	child = fork_reporting(&report);
	if (child < 0) {
		jail_term_close(&term);
		die(1, "action=refuse user='%s' reason=\"fork: %m\"", u->name);
	}
	if (child == 0) {
		if (jail_term_child(&term, die_report_fd, &err) < 0)
			die(1, "user '%s': %s", u->name, err.msg);
		exec_confined(j, u, argc, argv, true);
	}
	log_child_refusal(report);
	status = jail_term_relay(&term, child);
	jail_term_close(&term);
	return shell_status(status);
}

/*
 * Starts the shell in a child under the relay: the child gets none of the
 * caller's fds, terminal or session (include/jail/term.h).  in_child, if
 * not NULL, runs first in the child, as root.  Returns the child's pid to
 * the parent, which relays (jail_term_relay) until it exits, or -1 with the
 * reason in err.  Called in the jail's namespaces.
 */
pid_t start_relayed(const struct shell_jail *j, const struct jail_user *u, struct jail_term *term,
		    int argc, char **argv, void (*in_child)(void *), void *arg,
		    struct jail_error *err)
{
	pid_t child;
	int report;

	if (jail_term_open(term, u->uid, err) < 0) {
		jail_term_close(term);
		return -1;
	}
	relay_parent = getpid();
	child = fork_reporting(&report);
	if (child < 0) {
		jail_err(err, negative_errno(), "fork: %m");
		jail_term_close(term);
		return -1;
	}
	if (child == 0) {
		if (in_child)
			in_child(arg);
		if (jail_term_child(term, die_report_fd, err) < 0)
			die(1, "user '%s': %s", u->name, err->msg);
		exec_shell(j, u, argc, argv, true);
	}
	log_child_refusal(report);
	return child;
}

/* main()'s exit status for the shell's wait status */
int shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
