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
#include "jail/jail.h"
#include "jail/landlock.h"
#include "jail/path.h"
#include "jail/seccomp.h"
#include "jail/user.h"

/* Environment a caller may pass to its jailed shell; everything else is
 * dropped before any privileged code runs. */
static const char *const env_keep[] = {
	"TERM", "LANG", "LANGUAGE", "TZ", "COLORTERM", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY",
	"SSH_ORIGINAL_COMMAND", "DISPLAY",
};
#define MAX_ENV 64

static char *saved_env[MAX_ENV];
static size_t n_saved_env;
static mode_t saved_umask;
static struct rlimit saved_fsize, saved_core;
static pid_t child_pid;
static volatile sig_atomic_t got_winch, got_chld;
static int child_status;
static bool child_reaped;

static _Noreturn void die(int code, const char *fmt, ...) _printf_(2, 3);
static _Noreturn void die(int code, const char *fmt, ...)
{
	char line[1024], safe[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	jail_escape(line, safe, sizeof(safe));
	syslog(LOG_ERR, "%s", safe);
	dprintf(STDERR_FILENO, "jailsh: %s\n", safe);
	_exit(code);
}

static bool env_wanted(const char *kv)
{
	size_t n = strcspn(kv, "=");

	if (kv[n] != '=')
		return false;
	if (strncmp(kv, "LC_", 3) == 0)
		return true;
	for (size_t i = 0; i < ELEMENTSOF(env_keep); i++)
		if (strlen(env_keep[i]) == n && strncmp(kv, env_keep[i], n) == 0)
			return true;
	return false;
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
		if (env_wanted(*e) && strlen(*e) < 4096)
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

static _Noreturn void exec_shell(const struct jail_config *cfg, const struct jail_template *t,
				 const struct jail_user *u, int argc, char **argv)
{
	char root[PATH_MAX], argv0[NAME_MAX + 2], home[PATH_MAX + 8], user[128], logname[128], shell[PATH_MAX + 8];
	struct jail_error err = { 0 };
	const char *base;
	char *envp[MAX_ENV + 8];
	char **nargv;
	size_t n = 0;
	int fd;

	if (jail_root_path(cfg, u->name, root, sizeof(root)) < 0)
		die(1, "jail root path too long");
	fd = open(root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchdir(fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		die(1, "user '%s': cannot enter jail root '%s': %m", u->name, root);
	safe_close(fd);
	if (jail_drop_privileges(u->uid, u->gid, u->gids, u->n_gids, &err) < 0)
		die(1, "user '%s': %s", u->name, err.msg);
	if (t->seccomp && jail_seccomp_apply(&err) < 0)
		die(1, "user '%s': %s", u->name, err.msg);
	/* landlock = true: abstract unix sockets stay inside this login (>= 6.12) */
	if (t->landlock && jail_landlock_scope(&err) < 0)
		die(1, "user '%s': %s", u->name, err.msg);
	if (chdir(u->home) < 0 && chdir("/") < 0)
		die(1, "chdir: %m");

	umask(saved_umask);
	(void)setrlimit(RLIMIT_FSIZE, &saved_fsize);
	(void)setrlimit(RLIMIT_CORE, &saved_core);

	snprintf(home, sizeof(home), "HOME=%s", u->home);
	snprintf(user, sizeof(user), "USER=%s", u->name);
	snprintf(logname, sizeof(logname), "LOGNAME=%s", u->name);
	snprintf(shell, sizeof(shell), "SHELL=%s", t->shell);
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
	base = strrchr(t->shell, '/');
	base = base ? base + 1 : t->shell;
	snprintf(argv0, sizeof(argv0), "%s%s", (argv[0] && argv[0][0] == '-') ? "-" : "", base);
	nargv = calloc((size_t)argc + 2, sizeof(char *));
	if (nargv) {
		nargv[0] = argv0;
		for (int i = 1; i < argc; i++)
			nargv[i] = argv[i];
		execve(t->shell, nargv, envp);
	}
	die(127, "user '%s': cannot run '%s' in the jail: %m", u->name, t->shell);
}

/* Inside this user's jail already (pam_jail.so joined it in sshd)? Only the
 * jail's own mount namespace has STATE_DIR/U/skel; the host's STATE_DIR/U is
 * root-only and holds no such directory. */
static bool inside_jail(const struct jail_config *cfg, const struct jail_user *u)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s/skel", cfg->state_dir, u->name) >= (int)sizeof(path))
		return false;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0;
}

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

static void on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

/*
 * su/login: the terminal existed before the jail, on the host's devpts.
 * Giving it to the jailed shell would put a host pty in the jail (`tty`
 * says "not a tty", TIOCSTI could push input into whoever reads that
 * terminal after us).  Instead the shell gets a pty of the jail's own devpts
 * and this root parent relays bytes, as `machinectl shell` does.
 * Called in the jail's mount namespace.  Returns the master fd, sets *slave.
 */
static int open_jail_pty(const struct jail_user *u, char *slave, size_t size)
{
	struct group *gr = getgrnam("tty");
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0)
		return -1;
	if (ptsname_r(master, slave, size) != 0 || unlockpt(master) < 0 ||
	    chown(slave, u->uid, gr ? gr->gr_gid : (gid_t)-1) < 0 || chmod(slave, 0620) < 0) {
		safe_close(master);
		return -1;
	}
	return master;
}

static bool write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

static void relay(int master)
{
	struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = master, .events = POLLIN } };
	char buf[4096];

	for (;;) {
		ssize_t n;

		/* The relay ends with the shell, not with the last holder of the
		 * pty: a process the user left behind must not keep reading the
		 * admin's terminal (a fake prompt after `exit` in ~/.profile). */
		if (got_chld) {
			got_chld = 0;
			if (waitpid(child_pid, &child_status, WNOHANG) == child_pid) {
				child_reaped = true;
				return;
			}
		}
		if (got_winch) {
			struct winsize ws;

			got_winch = 0;
			if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
				(void)ioctl(master, TIOCSWINSZ, &ws);
		}
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[1].revents & POLLIN) {
			n = read(master, buf, sizeof(buf));
			if (n <= 0 || !write_all(STDOUT_FILENO, buf, (size_t)n))
				return;
		} else if (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL))
			return; /* every holder of the jail side is gone */
		if (fds[0].revents & POLLIN) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0 || !write_all(master, buf, (size_t)n))
				fds[0].fd = -1;
		} else if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			fds[0].fd = -1; /* our terminal hung up */
			if (child_pid > 0)
				kill(child_pid, SIGHUP);
		}
	}
}

int main(int argc, char **argv)
{
	struct jail_config *cfg = NULL;
	struct jail_user *u = NULL;
	const struct jail_template *t;
	struct jail_handle h;
	struct jail_error err = { 0 };
	char msg[1024];
	char slave[64];
	struct termios outer;
	struct winsize ws;
	bool have_outer = false;
	int master = -1;
	uid_t ruid;
	int status, r;

	sanitize();
	openlog("jailsh", LOG_PID, LOG_AUTHPRIV);
	ruid = getuid();
	if (geteuid() != 0)
		die(126, "not installed setuid root (or no_new_privs is set); refusing to run unjailed");
	if (ruid == 0)
		die(1, "root is never jailed; use 'jailctl enter USER' to look into a jail");
	/* files we create are root's, not the caller's group's */
	if (setresgid((gid_t)-1, 0, 0) < 0)
		die(1, "setresgid: %m");

	r = jail_user_lookup_uid(ruid, &u, &err);
	if (r < 0)
		die(1, "%s", err.msg);
	r = jail_config_load(JAIL_CONF, JAIL_CONFIG_CHECK_OWNER, &cfg, &err);
	if (r < 0)
		die(1, "action=refuse user='%s' reason=\"config error: %s\"", u->name,
		    jail_error_format(&err, msg, sizeof(msg)));
	t = jail_config_match(cfg, u->name, u->group_names, u->n_group_names, NULL, NULL);
	if (!t)
		die(1, "action=refuse user='%s' reason=\"jailsh is the login shell but %s names no template for the user\"",
		    u->name, cfg->path);

	if (inside_jail(cfg, u)) {
		struct jail_cgroup_host host;

		/* pam_jail put this login in the jail's namespaces; its setcred
		 * hook put sshd's session child in the jail's cgroup.  A login
		 * that came another way (a PAM caller that never calls setcred
		 * in its child) must not run outside the template's limits. */
		jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
		if (jail_limits_any(&t->limits) && jail_cgroup_self_in_jail(&host, u->name, &t->limits) < 0)
			die(1, "action=refuse user='%s' template='%s' reason=\"inside the jail but outside its cgroup: "
			       "the template's limits would not hold\"", u->name, t->name);
		exec_shell(cfg, t, u, argc, argv);
	}

	r = jail_acquire(cfg, t, u, JAIL_INIT, &h, &err);
	if (r < 0)
		die(1, "action=refuse user='%s' template='%s' reason=\"%s\"", u->name, t->name,
		    jail_error_format(&err, msg, sizeof(msg)));
	syslog(LOG_INFO, "action=%s user='%s' template='%s' init=%d pid=%d", h.created ? "create" : "join", u->name,
	       h.template_name, (int)h.init_pid, (int)getpid());
	/* Into the jail's namespaces (PID: for our children only).  Teardown
	 * afterwards works on the handle's fds, so the host's view of STATE_DIR
	 * is not needed any more. */
	if (jail_enter(&h, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET, &err) < 0) {
		(void)jail_release(&h, NULL, NULL);
		die(1, "action=refuse user='%s' reason=\"%s\"", u->name, err.msg);
	}
	if (isatty(STDIN_FILENO)) {
		master = open_jail_pty(u, slave, sizeof(slave));
		if (master < 0) {
			(void)jail_release(&h, NULL, NULL);
			die(1, "action=refuse user='%s' reason=\"cannot allocate a terminal in the jail: %m\"", u->name);
		}
		if (tcgetattr(STDIN_FILENO, &outer) == 0)
			have_outer = true;
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			(void)ioctl(master, TIOCSWINSZ, &ws);
	}

	child_pid = fork();
	if (child_pid < 0) {
		(void)jail_release(&h, NULL, NULL);
		die(1, "action=refuse user='%s' reason=\"fork: %m\"", u->name);
	}
	if (child_pid == 0) {
		if (jail_attach_cgroup(&h, &err) < 0)
			die(1, "action=refuse user='%s' reason=\"%s\"", u->name, err.msg);
		jail_handle_close(&h);
		if (master >= 0) {
			int fd;

			/* a session of its own with the jail's pty as controlling tty */
			if (setsid() < 0 || (fd = open(slave, O_RDWR)) < 0 || ioctl(fd, TIOCSCTTY, 0) < 0 ||
			    (have_outer && tcsetattr(fd, TCSANOW, &outer) < 0) || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
			    dup2(fd, 2) < 0)
				die(1, "user '%s': cannot attach the jail's terminal: %m", u->name);
			if (fd > 2)
				close(fd);
			close(master);
		}
		exec_shell(cfg, t, u, argc, argv);
	}

	/* The parent: root in full, so the jailed user cannot signal or trace it;
	 * it relays hangup/termination and cleans up after the shell. */
	if (setresuid(0, 0, 0) < 0)
		die(1, "setresuid: %m");
	{
		struct sigaction fw = { .sa_handler = forward }, ign = { .sa_handler = SIG_IGN };

		sigaction(SIGHUP, &fw, NULL);
		sigaction(SIGTERM, &fw, NULL);
		sigaction(SIGCONT, &fw, NULL);
		sigaction(SIGINT, &ign, NULL);
		sigaction(SIGQUIT, &ign, NULL);
		sigaction(SIGTSTP, &ign, NULL);
		sigaction(SIGTTIN, &ign, NULL);
		sigaction(SIGTTOU, &ign, NULL);
	}
	if (master >= 0) {
		struct sigaction wi = { .sa_handler = on_winch }, ch = { .sa_handler = on_chld };
		struct termios raw;

		sigaction(SIGWINCH, &wi, NULL);
		sigaction(SIGCHLD, &ch, NULL);
		got_chld = 1; /* the shell may be gone already */
		if (have_outer) {
			raw = outer;
			cfmakeraw(&raw);
			(void)tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		}
		relay(master);
		if (have_outer)
			(void)tcsetattr(STDIN_FILENO, TCSANOW, &outer);
		close(master);
	}
	if (child_reaped)
		status = child_status;
	else
		while (waitpid(child_pid, &status, 0) < 0)
			if (errno != EINTR) {
				status = 1 << 8;
				break;
			}
	{
		bool torn_down = false;
		char uname[65], tname[65];

		snprintf(uname, sizeof(uname), "%s", h.user);
		snprintf(tname, sizeof(tname), "%s", h.template_name);
		if (jail_release(&h, &torn_down, &err) < 0)
			syslog(LOG_ERR, "action=leave user='%s' reason=\"%s\"", uname, err.msg);
		else
			syslog(LOG_INFO, "action=leave user='%s' template='%s' pid=%d", uname, tname, (int)getpid());
		if (torn_down)
			syslog(LOG_INFO, "action=teardown user='%s' template='%s'", uname, tname);
	}
	jail_config_free(cfg);
	jail_user_free(u);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
