/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jailctl: the admin's tool.  Not setuid; the commands that change jails
 * require root.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "paths.h"
#include "jail/config.h"
#include "jail/jail.h"
#include "jail/path.h"
#include "jail/landlock.h"
#include "jail/seccomp.h"
#include "jail/term.h"
#include "jail/template.h"
#include "jail/user.h"

static const char *arg_config = JAIL_CONF;
static const char *arg_user;
static bool arg_json;
static bool arg_as_root;
static bool arg_all_users;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: jailctl [--config PATH] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  check [--user USER | --all-users]\n"
		"                        validate the config; show what USER (or every user the\n"
		"                        config names directly or through a group) maps to\n"
		"  list [--json]         show active jails\n"
		"  stop USER             end every process of USER's jail and tear it down\n"
		"  enter USER [CMD...]   run CMD (default: the template's shell) inside USER's live\n"
		"                        jail as USER, or with --as-root as root\n"
		"  gc                    tear down jails that no login holds any more\n"
		"  template ...          create, fill and verify templates ('jailctl template --help')\n"
		"\n"
		"Options:\n"
		"  -c, --config PATH     config file (default %s)\n"
		"  -u, --user USER       with check: the user to resolve\n"
		"      --all-users       with check: resolve every user of the passwd database\n"
		"      --json            with list: machine-readable output\n"
		"      --as-root         with enter: run as root (environment cleared, PATH fixed to\n"
		"                        /usr/sbin:/usr/bin:/sbin:/bin); the default is the user\n"
		"  -h, --help            show this help\n",
		JAIL_CONF);
}

static int load(struct jail_config **cfg)
{
	struct jail_error err = { 0 };
	char msg[1024];
	/* the same ownership checks as the module and jailsh: root-owned, not
	 * writable by others, no symlink (they need no privilege to check) */
	unsigned flags = JAIL_CONFIG_CHECK_OWNER;

	if (jail_config_load(arg_config, flags, cfg, &err) < 0) {
		fprintf(stderr, "%s\n", jail_error_format(&err, msg, sizeof(msg)));
		return -1;
	}
	return 0;
}

/* prints each security problem of the template, as `template verify` does */
struct problems {
	const char *indent;
	unsigned n;
};

static int print_problem(const struct jail_template_entry *e, void *userdata)
{
	struct problems *p = userdata;

	if (e->problem && p->n++ < 20)
		printf("%s%s: %s\n", p->indent, e->path, e->problem);
	return 0;
}

/*
 * Would a login of `u` into `t` be refused?  Opens and checks the jail's
 * inputs with the very function jail creation uses (jail_inputs_open):
 * the template and its security walk, the home, jail-init, the bind
 * sources.  Prints why on refusal, and every problem of a template that
 * fails verification.  Returns 0 (would be let in) or -1.
 */
static int check_login(const struct jail_config *cfg, const struct jail_template *t, const struct jail_user *u,
		       int state_fd, unsigned flags, const char *indent)
{
	_cleanup_(jail_inputs_close) struct jail_inputs in = JAIL_INPUTS_INIT;
	struct jail_error err = { 0 };
	_cleanup_close_ int fd = -EBADF;
	struct problems p = { .indent = indent };

	if (jail_inputs_open(cfg, t, u, JAIL_INIT, state_fd, flags, &in, &err) == 0) {
		if (in.home_warning[0])
			printf("%swarning: %s (home_mode_check = \"warn\": logged, not refused)\n", indent,
			       in.home_warning);
		return 0;
	}
	printf("%sREFUSED at login: %s\n", indent, err.msg);
	fd = jail_open_trusted(t->rootfs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, NULL);
	if (fd >= 0 && jail_template_walk(fd, print_problem, &p, NULL) >= 0 && p.n > 20)
		printf("%s... and %u more ('jailctl template verify %s' lists them all)\n", indent, p.n - 20,
		       t->rootfs);
	return -1;
}

/* What a template leaves open on this host (issue 13 defaults and their
 * opt-outs); 1 when its users would be refused. */
static int check_template_risks(const struct jail_template *t)
{
	const char *hole = jail_landlock_hole(t);

	if (t->landlock == JAIL_LANDLOCK_REQUIRED && jail_landlock_abi() < 6) {
		fprintf(stderr, "%s:%u: template '%s': landlock = true, but this kernel has no Landlock scoping (ABI %ld "
				"< 6, needs Linux 6.12): its users are refused\n",
			t->file, t->line, t->name, jail_landlock_abi());
		return 1;
	}
	if (hole)
		fprintf(stderr, "%s:%u: warning: template '%s': host processes can pass its jails host fds over abstract "
				"unix sockets (%s); network = \"none\" closes that\n",
			t->file, t->line, t->name,
			t->landlock == JAIL_LANDLOCK_OFF ? "landlock = false"
							 : "this kernel has no Landlock scoping, needs Linux 6.12");
	if (t->home_check != JAIL_HOME_CHECK_REFUSE)
		fprintf(stderr, "%s:%u: warning: template '%s': home_mode_check = \"%s\": a home other users can reach "
				"(a socket there passes host fds in) is %s\n",
			t->file, t->line, t->name, t->home_check == JAIL_HOME_CHECK_WARN ? "warn" : "off",
			t->home_check == JAIL_HOME_CHECK_WARN ? "only logged" : "not checked");
	return 0;
}

static int cmd_check(void)
{
	struct jail_config *cfg = NULL;
	struct jail_user *u = NULL;
	struct jail_error err = { 0 };
	const struct jail_template *t;
	const struct jail_rule *rule = NULL;
	bool is_group = false;
	char root[PATH_MAX];
	int ret = 0, state_fd = -EBADF;

	if (load(&cfg) < 0)
		return 1;
	/* as root, the template walks below refresh the verification cache, so
	 * that a change root made to a template counts from now on */
	if (geteuid() == 0)
		state_fd = jail_state_dir_open(cfg->state_dir, NULL);
	if (!arg_user && !arg_all_users) {
		for (size_t i = 0; i < cfg->n_templates; i++) {
			char sh[PATH_MAX];
			struct stat st;

			if (jail_path_join(sh, sizeof(sh), cfg->templates[i].rootfs, cfg->templates[i].shell) == 0 &&
			    (stat(sh, &st) < 0 || !(st.st_mode & S_IXOTH)))
				fprintf(stderr, "%s:%u: warning: template '%s': shell '%s' is not an executable in %s "
						"(fine for ChrootDirectory-only use, fatal for jailsh)\n",
					cfg->templates[i].file, cfg->templates[i].line, cfg->templates[i].name,
					cfg->templates[i].shell, cfg->templates[i].rootfs);
		}
		{
			/* the full security walk of each template (the one jail
			 * creation does at most every template_verify_interval
			 * seconds); as root it also refreshes the cache, so that a
			 * change root made to a template counts from now on */
			for (size_t i = 0; i < cfg->n_templates; i++) {
				const struct jail_template *tt = &cfg->templates[i];
				struct jail_error e = { 0 };
				_cleanup_close_ int fd = jail_open_trusted(tt->rootfs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR,
									   0, &e);

				if (fd < 0) {
					fprintf(stderr, "%s:%u: template '%s': %s\n", tt->file, tt->line, tt->name, e.msg);
					ret = 1;
				} else if (jail_template_verify_refresh(fd, tt->rootfs, state_fd, &e) < 0) {
					fprintf(stderr, "%s:%u: template '%s' fails verification (its users are refused): %s\n",
						tt->file, tt->line, tt->name, e.msg);
					ret = 1;
				}
			}
		}
		for (size_t i = 0; i < cfg->n_templates; i++)
			if (check_template_risks(&cfg->templates[i]))
				ret = 1;
		for (size_t i = 0; i < cfg->n_templates; i++) {
			const struct jail_template *tt = &cfg->templates[i];
			struct jail_cgroup_host host;
			char missing[64];

			if (!jail_limits_any(&tt->limits))
				continue;
			jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
			if (jail_limits_unsupported(&tt->limits, &host, missing, sizeof(missing)) == 0)
				continue;
			if (tt->limits.required) {
				fprintf(stderr, "%s:%u: template '%s': this host cannot enforce the required limits: %s\n",
					tt->file, tt->line, tt->name, missing);
				ret = 1;
			} else
				fprintf(stderr, "%s:%u: warning: template '%s': this host cannot enforce: %s (not required: "
						"logins go ahead without them)\n",
					tt->file, tt->line, tt->name, missing);
		}
		for (size_t i = 0; i < cfg->n_users; i++)
			if (!getpwnam(cfg->users[i].name))
				fprintf(stderr, "%s:%u: warning: user '%s' does not exist (yet)\n", cfg->users[i].file,
					cfg->users[i].line, cfg->users[i].name);
		for (size_t i = 0; i < cfg->n_groups; i++)
			if (!getgrnam(cfg->groups[i].name))
				fprintf(stderr, "%s:%u: warning: group '%s' does not exist (yet)\n", cfg->groups[i].file,
					cfg->groups[i].line, cfg->groups[i].name);
		if (ret == 0)
			printf("%s: OK (%zu templates, %zu users, %zu groups)\n", cfg->path, cfg->n_templates,
			       cfg->n_users, cfg->n_groups);
		goto out;
	}
	if (arg_all_users) {
		_cleanup_free_ bool *walked = calloc(cfg->n_templates ? cfg->n_templates : 1, sizeof(bool));
		struct passwd *pw;
		size_t n = 0, n_refused = 0;

		if (!walked) {
			fprintf(stderr, "jailctl: out of memory\n");
			ret = 1;
			goto out;
		}
		setpwent();
		while ((pw = getpwent())) {
			struct jail_user *au = NULL;

			if (pw->pw_uid == 0 || jail_user_lookup(pw->pw_name, &au, NULL) < 0)
				continue;
			t = jail_config_match(cfg, au->name, au->group_names, au->n_group_names, &rule, &is_group);
			if (t) {
				size_t ti = (size_t)(t - cfg->templates);

				printf("%s: template '%s' (by %s '%s' at %s:%u)\n", au->name, t->name,
				       is_group ? "group" : "user", rule->name, rule->file, rule->line);
				n++;
				/* one full walk per template; its users after the
				 * first are answered from the cache it refreshed */
				if (check_login(cfg, t, au, state_fd, walked[ti] ? 0 : JAIL_INPUTS_REFRESH, "  ") < 0)
					n_refused++;
				walked[ti] = true;
			}
			jail_user_free(au);
		}
		endpwent();
		printf("%zu jailed user%s, %zu refused at login\n", n, n == 1 ? "" : "s", n_refused);
		ret = n_refused > 0;
		goto out;
	}
	if (jail_user_lookup(arg_user, &u, &err) < 0) {
		fprintf(stderr, "jailctl: %s\n", err.msg);
		ret = 1;
		goto out;
	}
	if (u->uid == 0) {
		printf("%s: not jailed (uid 0 is never jailed)\n", u->name);
		goto out;
	}
	t = jail_config_match(cfg, u->name, u->group_names, u->n_group_names, &rule, &is_group);
	if (!t) {
		printf("%s: not jailed\n", u->name);
		goto out;
	}
	jail_root_path(cfg, u->name, root, sizeof(root));
	printf("%s: template '%s' (by %s '%s' at %s:%u)\n", u->name, t->name, is_group ? "group" : "user", rule->name,
	       rule->file, rule->line);
	printf("  rootfs %s\n  shell  %s\n  root   %s\n  home   %s\n", t->rootfs, t->shell, root, u->home);
	if (check_login(cfg, t, u, state_fd, JAIL_INPUTS_REFRESH, "  ") < 0)
		ret = 1;
	else
		printf("  login  OK (template verified; home, jail-init and binds usable)\n");
out:
	safe_close(state_fd);
	jail_user_free(u);
	jail_config_free(cfg);
	return ret;
}

static int for_each_jail(const struct jail_config *cfg, int (*fn)(const struct jail_config *, const char *, void *),
			 void *data)
{
	_cleanup_closedir_ DIR *d = opendir(cfg->state_dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && jail_name_valid(de->d_name))
			if (fn(cfg, de->d_name, data) < 0)
				ret = -1;
	return ret;
}

static int list_one(const struct jail_config *cfg, const char *user, void *data)
{
	struct jail_status s;
	struct jail_error err = { 0 };
	int *n = data;
	char when[64] = "-";
	struct tm tm;
	time_t tt;

	if (jail_status(cfg, user, &s, &err) < 0 || !s.exists)
		return 0;
	tt = (time_t)s.created;
	if (localtime_r(&tt, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (arg_json)
		printf("%s{\"user\":\"%s\",\"template\":\"%s\",\"alive\":%s,\"logins\":%d,\"processes\":%d,"
		       "\"rss_kb\":%llu,\"init_pid\":%d,\"since\":%lld}",
		       (*n)++ ? "," : "", user, s.template_name, s.alive ? "true" : "false", s.logins, s.processes,
		       s.rss_kb, (int)s.init_pid, s.created);
	else {
		char mem[32];

		snprintf(mem, sizeof(mem), "%.1fM", (double)s.rss_kb / 1024.0);
		if ((*n)++ == 0)
			printf("%-20s %-12s %-6s %6s %5s %8s %8s %s\n", "USER", "TEMPLATE", "STATE", "LOGINS", "PROCS", "MEMORY",
			       "INIT", "SINCE");
		printf("%-20s %-12s %-6s %6d %5d %8s %8d %s\n", user, s.template_name, s.alive ? "alive" : "stale", s.logins,
		       s.processes, mem, (int)s.init_pid, when);
	}
	return 0;
}

static int cmd_list(void)
{
	struct jail_config *cfg = NULL;
	int n = 0, r;

	if (load(&cfg) < 0)
		return 1;
	if (arg_json)
		printf("[");
	r = for_each_jail(cfg, list_one, &n);
	if (arg_json)
		printf("]\n");
	else if (n == 0)
		printf("no jails\n");
	jail_config_free(cfg);
	return r < 0 ? 1 : 0;
}

static void report_init(pid_t pid, const char *user, const char *what, void *data)
{
	(void)data;
	if (what)
		fprintf(stderr, "jailctl: jail-init %d of '%s' left alone: %s\n", (int)pid, user, what);
	else {
		printf("%s: ended jail-init %d, which no state recorded\n", user, (int)pid);
		syslog(LOG_INFO, "action=kill-untracked user='%s' init=%d by=jailctl gc", user, (int)pid);
	}
}

static int teardown_one(const struct jail_config *cfg, const char *user, void *data)
{
	struct jail_error err = { 0 };
	bool force = *(bool *)data, done = false;

	if (jail_teardown(cfg, user, force, &done, &err) < 0) {
		fprintf(stderr, "jailctl: %s: %s\n", user, err.msg);
		return -1;
	}
	if (done) {
		printf("%s: torn down\n", user);
		jail_syslog(LOG_INFO, "action=teardown user='%s' by=jailctl %s", user, force ? "stop" : "gc");
	}
	return 0;
}

/* The environment of a command run by `jailctl enter`: the caller's terminal
 * type and locale, a fixed PATH, and the target's identity.  Nothing else of
 * the admin's environment reaches the jail.  Only ever called in the child. */
static int enter_environment(const struct jail_user *u, bool as_root)
{
	extern char **environ;
	char *keep[32];
	size_t n = 0;

	for (char **e = environ; e && *e && n < ELEMENTSOF(keep); e++)
		if (jail_env_wanted(*e, false) && strlen(*e) < 4096)
			keep[n++] = *e;
	for (size_t i = 0; i < n; i++)
		if (!(keep[i] = strdup(keep[i])))
			return -ENOMEM;
	if (clearenv() != 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (putenv(keep[i]) != 0)
			return -ENOMEM;
	/* Root in a jail the user shapes runs nothing from where the user may
	 * write (overlay mode's writable dirs, /usr/local) */
	if (setenv("PATH", as_root ? "/usr/sbin:/usr/bin:/sbin:/bin" : "/usr/local/bin:/usr/bin:/bin", 1) < 0 ||
	    setenv("HOME", as_root ? "/" : u->home, 1) < 0 || setenv("USER", as_root ? "root" : u->name, 1) < 0 ||
	    setenv("LOGNAME", as_root ? "root" : u->name, 1) < 0)
		return -ENOMEM;
	return 0;
}

/* root's nsenter for a user's jail, for support work; as careful with the
 * admin's terminal, fds and environment as jailsh is with its caller's */
static int cmd_enter(const char *user, char **cmd)
{
	struct jail_config *cfg = NULL;
	struct jail_user *u = NULL;
	struct jail_error err = { 0 };
	const struct jail_template *t;
	struct jail_handle h;
	struct jail_term term;
	char root[PATH_MAX];
	int status = 0, ret = 1;
	pid_t pid;

	if (load(&cfg) < 0)
		return 1;
	if (jail_user_lookup(user, &u, &err) < 0) {
		fprintf(stderr, "jailctl: %s\n", err.msg);
		goto out;
	}
	if (jail_join_existing(cfg, u->name, &h, &err) < 0) {
		fprintf(stderr, "jailctl: %s\n", err.msg);
		goto out;
	}
	jail_syslog(LOG_INFO, "action=enter user='%s' template='%s' by_uid=%u as=%s pid=%d", u->name, h.template_name,
	       (unsigned)getuid(), arg_as_root ? "root" : "user", (int)getpid());
	t = NULL;
	for (size_t i = 0; i < cfg->n_templates; i++)
		if (strcmp(cfg->templates[i].name, h.template_name) == 0)
			t = &cfg->templates[i];
	jail_term_prepare(&term);
	if (jail_enter(&h, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET, &err) < 0 ||
	    jail_root_path(cfg, u->name, root, sizeof(root)) < 0 ||
	    jail_term_open(&term, arg_as_root ? 0 : u->uid, &err) < 0) {
		fprintf(stderr, "jailctl: %s\n", err.msg[0] ? err.msg : "jail root path too long");
		jail_term_close(&term);
		(void)jail_release(&h, NULL, NULL);
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("jailctl: fork");
		jail_term_close(&term);
		(void)jail_release(&h, NULL, NULL);
		goto out;
	}
	if (pid == 0) {
		const char *shell = t ? t->shell : "/bin/sh";
		char *def[] = { (char *)shell, NULL };
		int r;

		if (jail_attach_cgroup(&h, &err) < 0) {
			fprintf(stderr, "jailctl: %s\n", err.msg);
			_exit(1);
		}
		jail_handle_close(&h);
		if (jail_term_child(&term, &err) < 0) {
			fprintf(stderr, "jailctl: %s\n", err.msg);
			_exit(1);
		}
		if (chdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0) {
			fprintf(stderr, "jailctl: cannot enter '%s': %m\n", root);
			_exit(1);
		}
		if ((r = enter_environment(u, arg_as_root)) < 0) {
			fprintf(stderr, "jailctl: %s\n", strerror(-r));
			_exit(1);
		}
		if (!arg_as_root) {
			if (jail_drop_privileges(u->uid, u->gid, u->gids, u->n_gids, &err) < 0 ||
			    (t && t->seccomp && jail_seccomp_apply(&err) < 0) ||
			    (t && jail_landlock_apply(t, &err) < 0)) {
				fprintf(stderr, "jailctl: %s\n", err.msg);
				_exit(1);
			}
			if (chdir(u->home) < 0 && chdir("/") < 0)
				_exit(1);
		}
		/* the command ends when jailctl does (after the credential
		 * change, which clears it); our parent, outside the jail's PID
		 * namespace, shows as 0 until it is gone */
		if (prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0) < 0 || getppid() != 0)
			_exit(1);
		execvp(cmd && cmd[0] ? cmd[0] : shell, cmd && cmd[0] ? cmd : def);
		fprintf(stderr, "jailctl: cannot run '%s' in the jail: %m\n", cmd && cmd[0] ? cmd[0] : shell);
		_exit(127);
	}
	status = jail_term_relay(&term, pid);
	jail_term_close(&term);
	(void)jail_release(&h, NULL, NULL);
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	jail_user_free(u);
	jail_config_free(cfg);
	return ret;
}

/* one option (before or after the command); -1 to go on, else an exit code */
static int parse_option(int c)
{
	switch (c) {
	case 'c':
		arg_config = optarg;
		return -1;
	case 'u':
		arg_user = optarg;
		return -1;
	case 'j':
		arg_json = true;
		return -1;
	case 'A':
		arg_as_root = false;
		return -1;
	case 'R':
		arg_as_root = true;
		return -1;
	case 'a':
		arg_all_users = true;
		return -1;
	case 'h':
		usage(stdout);
		return 0;
	default:
		fprintf(stderr, "Try 'jailctl --help' for more information.\n");
		return 2;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "as-user", no_argument, NULL, 'A' },
		{ "as-root", no_argument, NULL, 'R' },
		{ "all-users", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cmd;
	int c, r = 0;

	while ((c = getopt_long(argc, argv, "+c:u:h", opts, NULL)) >= 0)
		if ((r = parse_option(c)) >= 0)
			return r;
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	/* before the second getopt pass: template has options of its own */
	if (strcmp(cmd, "template") == 0)
		return jail_template_main(argc - optind + 1, argv + optind - 1);
	/* options may also follow the command (up to its first argument) */
	while ((c = getopt_long(argc, argv, "+c:u:h", opts, NULL)) >= 0)
		if ((r = parse_option(c)) >= 0)
			return r;
	openlog("jailctl", LOG_PID, LOG_AUTHPRIV);
	if (arg_config[0] != '/') {
		/* the trust checks walk absolute paths: anchor a relative one at cwd */
		static char abs_config[PATH_MAX];
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)) ||
		    snprintf(abs_config, sizeof(abs_config), "%s/%s", cwd, arg_config) >= (int)sizeof(abs_config)) {
			fprintf(stderr, "jailctl: config path too long\n");
			return 1;
		}
		arg_config = abs_config;
	}

	if (strcmp(cmd, "check") == 0 && optind == argc)
		return cmd_check();
	if (strcmp(cmd, "list") == 0 && optind == argc)
		return cmd_list();
	if (strcmp(cmd, "enter") == 0 && optind < argc) {
		if (geteuid() != 0) {
			fprintf(stderr, "jailctl: enter needs root\n");
			return 1;
		}
		return cmd_enter(argv[optind], argv + optind + 1);
	}
	if ((strcmp(cmd, "stop") == 0 && optind + 1 == argc) || (strcmp(cmd, "gc") == 0 && optind == argc)) {
		struct jail_config *cfg = NULL;
		bool force = cmd[0] == 's';

		if (geteuid() != 0) {
			fprintf(stderr, "jailctl: %s needs root\n", cmd);
			return 1;
		}
		if (load(&cfg) < 0)
			return 1;
		if (force)
			r = teardown_one(cfg, argv[optind], &force);
		else {
			int n;

			/* inits that nothing tracks first: their cgroups go below */
			n = jail_gc_inits(cfg, JAIL_INIT, report_init, NULL);
			if (n < 0) {
				fprintf(stderr, "jailctl: cannot look for untracked jail-inits: %s\n", strerror(-n));
				r = -1;
			}
			if (for_each_jail(cfg, teardown_one, &force) < 0)
				r = -1;
			n = jail_gc_cgroups(cfg);
			if (n > 0)
				printf("removed %d stale cgroup%s\n", n, n == 1 ? "" : "s");
			{
				_cleanup_close_ int state_fd = jail_state_dir_open(cfg->state_dir, NULL);

				n = state_fd >= 0 ? jail_template_cache_gc(state_fd, cfg->template_verify_interval) : 0;
				if (n > 0)
					printf("removed %d stale template verification cache entr%s\n", n,
					       n == 1 ? "y" : "ies");
			}
		}
		jail_config_free(cfg);
		return r < 0 ? 1 : 0;
	}
	fprintf(stderr, "jailctl: unknown command or wrong arguments: '%s'\nTry 'jailctl --help' for more information.\n",
		cmd);
	return 2;
}
