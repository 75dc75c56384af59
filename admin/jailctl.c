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
#include <stdarg.h>
#include <stdlib.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "paths.h"
#include "jail/audit.h"
#include "jail/cgroup.h"
#include "jail/config.h"
#include "jail/confine.h"
#include "jail/systemd.h"
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
static const char *arg_sshd;
static const char *arg_sshd_config = "/etc/ssh/sshd_config";
static const char *arg_pam_dir = "/etc/pam.d";
/* where check prints its human-readable lines: stderr with --json, so that
 * stdout carries the JSON document alone */
static FILE *out_h;

/* one output line per source line; %s: the config file */
static const char usage_text[] =
	"Usage: jailctl [--config PATH] COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  check [--user USER | --all-users] [--json]\n"
	"                        validate the config; show what USER (or every user the\n"
	"                        config names directly or through a group) maps to; audit\n"
	"                        the host: PAM services, sshd's settings, shells, homes,\n"
	"                        kernel features (one ok/warning/risk line per finding)\n"
	"  list [--json]         show active jails\n"
	"  stop USER             end every process of USER's jail and tear it down\n"
	"  enter USER [CMD...]   run CMD (default: the template's shell) inside USER's live\n"
	"                        jail as USER, or with --as-root as root\n"
	"  gc                    tear down jails that no login holds any more\n"
	"  user-manager UID|USER exit 0 if USER's systemd user manager may start, 1 if the\n"
	"                        user is jailed (the ExecCondition= of user@.service)\n"
	"  template ...          create, fill and verify templates ('jailctl template --help')\n"
	"\n"
	"Options:\n"
	"  -c, --config PATH     config file (default %s)\n"
	"  -u, --user USER       with check: the user to resolve\n"
	"      --all-users       with check: resolve every user of the passwd database\n"
	"      --json            with list, check: machine-readable output\n"
	"      --sshd-config FILE with check: sshd's config (default /etc/ssh/sshd_config)\n"
	"      --sshd PATH       with check: the sshd binary (default /usr/sbin/sshd)\n"
	"      --pam-dir DIR     with check: the PAM services (default /etc/pam.d)\n"
	"      --as-root         with enter: run as root (environment cleared, PATH fixed to\n"
	"                        /usr/sbin:/usr/bin:/sbin:/bin); the default is the user\n"
	"  -h, --help            show this help\n";

static void usage(FILE *f)
{
	fprintf(f, usage_text, JAIL_CONF);
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
		fprintf(out_h, "%s%s: %s\n", p->indent, e->path, e->problem);
	return 0;
}

/*
 * Would a login of `u` into `t` be refused?  Opens and checks the jail's
 * inputs with the very function jail creation uses (jail_inputs_open):
 * the template and its security walk, the home, jail-init, the bind
 * sources.  Prints why on refusal, and every problem of a template that
 * fails verification.  Returns 0 (would be let in) or -1.
 */
static int check_login(const struct jail_config *cfg, const struct jail_template *t,
		       const struct jail_user *u, int state_fd, unsigned flags, const char *indent)
{
	_cleanup_(jail_inputs_close) struct jail_inputs in = JAIL_INPUTS_INIT;
	struct jail_error err = { 0 };
	_cleanup_close_ int fd = -EBADF;
	struct problems p = { .indent = indent };

	if (jail_inputs_open(cfg, t, u, JAIL_INIT, state_fd, flags, &in, &err) == 0) {
		const char *base = strrchr(u->shell, '/');
		struct stat st;

		/* shell mode: the file the login record is bound over (jailsh(8)):
		 * root's, and empty on the host (jailsh refuses any record that is
		 * not its login's) */
		if ((strcmp(u->shell, JAIL_HELPER) == 0 ||
		     (base && strcmp(base + 1, "jailsh") == 0)) &&
		    (lstat(JAIL_LOGIN_RECORD, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
		     (st.st_mode & 022) || st.st_size != 0)) {
			fprintf(out_h,
				"%sREFUSED at login: %s (jailsh's login record) is missing, not a "
				"root-owned file, or not empty; reinstall pam_jail\n",
				indent, JAIL_LOGIN_RECORD);
			return -1;
		}
		if (in.home_warning[0])
			printf("%swarning: %s (home_mode_check = \"warn\": logged, not refused)\n",
			       indent, in.home_warning);
		return 0;
	}
	fprintf(out_h, "%sREFUSED at login: %s\n", indent, err.msg);
	fd = jail_open_trusted(t->rootfs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, NULL);
	if (fd >= 0 && jail_template_walk(fd, print_problem, &p, NULL) >= 0 && p.n > 20)
		fprintf(out_h, "%s... and %u more ('jailctl template verify %s' lists them all)\n",
			indent, p.n - 20, t->rootfs);
	return -1;
}

/* ---- jailctl check: the host audit -------------------------------------------------
 * Each finding is one line "SEVERITY: [USER: ]CHECK: message", or one object of
 * the --json document.  The CHECK names and the JSON schema are stable
 * (documented in jailctl(8)); the messages are for people. */
enum severity { SEV_OK, SEV_WARNING, SEV_RISK };
static const char *const severity_name[] = { "ok", "warning", "risk" };

struct finding {
	struct finding *next;
	enum severity sev;
	char check[32];
	char user[64];
	char msg[768];
};

/* in the order found; a list, so that nothing moves while it grows */
static struct finding *findings, **findings_tail = &findings;
static size_t n_findings;
static bool findings_oom;

_printf_(4, 5) static void finding(enum severity sev, const char *check, const char *user,
				   const char *fmt, ...)
{
	struct finding *f = calloc(1, sizeof(*f));
	va_list ap;

	if (!f) {
		findings_oom = true;
		return;
	}
	f->sev = sev;
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->user, sizeof(f->user), "%s", user ? user : "");
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	*findings_tail = f;
	findings_tail = &f->next;
	n_findings++;
	if (!arg_json)
		printf("%s: %s%s%s: %s\n", severity_name[sev], f->user, f->user[0] ? ": " : "",
		       check, f->msg);
}

/* the risk findings for user so far */
static size_t n_risks(const char *user)
{
	size_t n = 0;

	for (const struct finding *f = findings; f; f = f->next)
		n += f->sev == SEV_RISK && strcmp(f->user, user) == 0;
	return n;
}

static void findings_free(void)
{
	while (findings) {
		struct finding *next = findings->next;

		free(findings);
		findings = next;
	}
	findings_tail = &findings;
	n_findings = 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f) /* ASCII only: a name need not be UTF-8 */
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* the --json document: {"version":1,"config":..,"config_ok":..,"summary":{..},"findings":[..]} */
static void print_json(bool config_ok)
{
	size_t count[3] = { 0 };

	for (const struct finding *f = findings; f; f = f->next)
		count[f->sev]++;
	printf("{\"version\":1,\"config\":");
	json_string(arg_config);
	printf(",\"config_ok\":%s,\"summary\":{\"ok\":%zu,\"warning\":%zu,\"risk\":%zu},"
	       "\"findings\":[",
	       config_ok ? "true" : "false", count[SEV_OK], count[SEV_WARNING], count[SEV_RISK]);
	for (const struct finding *f = findings; f; f = f->next) {
		printf("%s{\"severity\":\"%s\",\"check\":\"%s\",\"user\":",
		       f != findings ? "," : "", severity_name[f->sev], f->check);
		if (f->user[0])
			json_string(f->user);
		else
			printf("null");
		printf(",\"message\":");
		json_string(f->msg);
		putchar('}');
	}
	printf("]}\n");
}

static const char *sshd_binary(void)
{
	static const char *const candidates[] = { "/usr/sbin/sshd", "/usr/local/sbin/sshd",
						  "/sbin/sshd" };

	if (arg_sshd)
		return arg_sshd;
	for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return candidates[0];
}

/*
 * The PAM service sshd uses, as OpenSSH picks it: its PAMServiceName
 * (>= 9.8, printed by sshd -T), else the name it was started by (<= 9.7
 * take argv[0]: a symlink to sshd named like the service, as the test suite
 * does; pass it as --sshd).  "" when unknown.
 */
static void sshd_pam_service(char *buf, size_t size)
{
	struct jail_sshd_settings s;
	const char *base = strrchr(sshd_binary(), '/');

	if (jail_sshd_query(sshd_binary(), arg_sshd_config, NULL, &s, NULL) == 0 &&
	    s.pam_service[0])
		snprintf(buf, size, "%s", s.pam_service);
	else
		snprintf(buf, size, "%s", base ? base + 1 : sshd_binary());
}

static bool any_limits(const struct jail_config *cfg, const char **ret_name)
{
	for (size_t i = 0; i < cfg->n_templates; i++)
		if (jail_limits_any(&cfg->templates[i].limits)) {
			*ret_name = cfg->templates[i].name;
			return true;
		}
	return false;
}

/* Which PAM services hold the module, and how. */
static void audit_pam(const struct jail_config *cfg)
{
	_cleanup_closedir_ DIR *d = opendir(arg_pam_dir);
	const char *limited = NULL;
	bool limits = any_limits(cfg, &limited);
	size_t n_session = 0;
	struct dirent *de;
	char sshd_service[128];

	if (!d) {
		finding(SEV_WARNING, "pam", NULL, "cannot read %s: %s", arg_pam_dir,
			strerror(errno));
		return;
	}
	sshd_pam_service(sshd_service, sizeof(sshd_service));
	while ((de = readdir(d))) {
		bool session = false, auth = false;
		size_t len = strlen(de->d_name);

		/* dot files, package manager and editor leftovers, and Debian's
		 * common-* pieces (reached through the services' @include) */
		if (de->d_name[0] == '.' || strncmp(de->d_name, "common-", 7) == 0 ||
		    strstr(de->d_name, ".dpkg-") || strstr(de->d_name, ".ucf-") ||
		    (len > 0 && de->d_name[len - 1] == '~'))
			continue;
		if (jail_pam_service_scan(dirfd(d), de->d_name, &session, &auth) < 0)
			continue;
		if (!session) {
			if (auth)
				finding(SEV_WARNING, "pam-auth-only", NULL,
					"service '%s' has 'auth pam_jail.so' but no session line: "
					"nobody is jailed there",
					de->d_name);
			continue;
		}
		n_session++;
		finding(SEV_OK, "pam-service", NULL, "service '%s' holds pam_jail.so (session%s)",
			de->d_name, auth ? " and auth" : "");
		if (!auth && limits)
			finding(SEV_WARNING, "pam-auth", NULL,
				"service '%s' has no 'auth optional pam_jail.so' line: logins "
				"through it of ChrootDirectory-mode users and of users of a "
				"template with limits (e.g. '%s') are refused (README step 3)",
				de->d_name, limited);
		else if (!auth)
			finding(SEV_WARNING, "pam-auth", NULL,
				"service '%s' has no 'auth optional pam_jail.so' line: logins "
				"through it of ChrootDirectory-mode users are refused (README step "
				"3)",
				de->d_name);
		if (strcmp(de->d_name, sshd_service) != 0)
			finding(SEV_WARNING, "pam-other-service", NULL,
				"service '%s' is not the one sshd uses ('%s'): pam_jail refuses "
				"ChrootDirectory-mode users there; shell-mode users are confined "
				"by jailsh",
				de->d_name, sshd_service);
	}
	if (n_session == 0)
		finding(SEV_WARNING, "pam-none", NULL,
			"no service in %s holds 'session ... pam_jail.so': only shell-mode users "
			"(jailsh) are jailed",
			arg_pam_dir);
}

static void audit_kernel(void)
{
	struct jail_cgroup_host host;
	int abi = (int)jail_landlock_abi(), tiocsti = jail_tiocsti_setting();

	if (abi >= 6)
		finding(SEV_OK, "kernel-landlock", NULL,
			"Landlock ABI %d: templates scope abstract unix sockets (landlock = "
			"\"auto\", the default, or true)",
			abi);
	else
		finding(SEV_WARNING, "kernel-landlock", NULL,
			"Landlock ABI %d (< 6): no abstract-socket scoping; landlock = true does "
			"nothing here",
			abi);
	jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
	finding(SEV_OK, "kernel-cgroup", NULL, "cgroup %s (%s)", host.v2 ? "v2" : "v1", host.root);
	if (tiocsti == 0)
		finding(SEV_OK, "kernel-tiocsti", NULL,
			"dev.tty.legacy_tiocsti = 0: no typing into a terminal");
	else
		finding(SEV_WARNING, "kernel-tiocsti", NULL,
			"%s: a process may push input into a terminal it holds (TIOCSTI); set "
			"dev.tty.legacy_tiocsti = 0",
			tiocsti == 1 ? "dev.tty.legacy_tiocsti = 1"
				     : "this kernel has no dev.tty.legacy_tiocsti");
}

static bool same_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

static bool pam_service_holds(const char *service)
{
	_cleanup_close_ int dfd = open(arg_pam_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool session = false, auth = false;

	return dfd >= 0 && strchr(service, '/') == NULL &&
	       jail_pam_service_scan(dfd, service, &session, &auth) == 0 && session;
}

/*
 * A shell-mode user whom sshd does not chroot: jailsh confines the shell,
 * but what sshd's own (unprivileged, unchrooted) process does for the login
 * acts on the host's tree as the user.  One risk line per feature that the
 * effective config leaves on (OpenSSH's session.c, serverloop.c, channels.c):
 * internal-sftp, unix-socket and TCP forwarding, the tunnel device, X11
 * (xauth through the host's /bin/sh), the agent socket in the host's /tmp,
 * ExposeAuthInfo's file there.  ~/.ssh/rc, other subsystems and commands run
 * through the login shell, jailsh: nothing to say about them.
 */
static void audit_sshd_paths(const struct jail_template *t, const struct jail_user *u,
			     const struct jail_sshd_settings *s)
{
	const char *base = strrchr(sshd_binary(), '/');
	const char *service = s->pam_service[0] ? s->pam_service : base ? base + 1 : sshd_binary();
	/* without the module in sshd's stack, sshd's process is in none of the
	 * jail's namespaces: network = "none" does not hold it either */
	bool joined = pam_service_holds(service);
	bool host_net = !t->network_none || !joined;
	bool tcp =
		(s->tcp_local && !s->permit_open_none) || (s->tcp_remote && !s->permit_listen_none);
	char why_net[256];
	size_t n_before = n_risks(u->name);

	if (joined)
		snprintf(why_net, sizeof(why_net), "template '%s' shares the host network",
			 t->name);
	else
		snprintf(why_net, sizeof(why_net),
			 "sshd's PAM service '%s' does not load pam_jail.so, so sshd's process is "
			 "in none of the jail's namespaces",
			 service);
	if (s->internal_sftp[0])
		finding(SEV_RISK, "sshd-sftp", u->name,
			"Subsystem %s is internal-sftp without ChrootDirectory: sftp runs in sshd, "
			"outside the jail root; use ChrootDirectory mode or 'Subsystem sftp "
			"/usr/lib/openssh/sftp-server'",
			s->internal_sftp);
	if (jail_sshd_is_internal_sftp(s->force_command))
		finding(SEV_RISK, "sshd-sftp", u->name,
			"ForceCommand internal-sftp without ChrootDirectory: sftp runs outside the "
			"jail root");
	if (!s->disable_forwarding) {
		if (s->streamlocal_forwarding)
			finding(SEV_RISK, "sshd-forwarding", u->name,
				"AllowStreamLocalForwarding is on without ChrootDirectory: sshd "
				"connects ssh -L/-W to, and creates ssh -R's, unix sockets outside "
				"the jail root; set AllowStreamLocalForwarding no (or "
				"DisableForwarding yes) for this user");
		if (tcp && host_net)
			finding(SEV_RISK, "sshd-forwarding", u->name,
				"AllowTcpForwarding without ChrootDirectory and %s: sshd forwards "
				"to and listens on the host's ports; set AllowTcpForwarding no (or "
				"DisableForwarding yes)%s",
				why_net, joined ? ", or network = \"none\"" : "");
		if (s->x11_forwarding)
			finding(SEV_RISK, "sshd-x11", u->name,
				"X11Forwarding is on without ChrootDirectory: for ssh -X sshd runs "
				"%s through the host's /bin/sh as the user, outside the jail "
				"root%s; set X11Forwarding no (or DisableForwarding yes)",
				s->xauth[0] ? s->xauth : "xauth",
				s->user_environment ? ", with the variables PermitUserEnvironment "
						      "lets the user set "
						      "(LD_PRELOAD runs the user's code there)"
						    : "");
		if (s->agent_forwarding)
			finding(SEV_RISK, "sshd-agent", u->name,
				"AllowAgentForwarding is on without ChrootDirectory: for ssh -A "
				"sshd makes the agent's socket as the user in the host's /tmp, "
				"outside the jail root; set AllowAgentForwarding no (or "
				"DisableForwarding yes)");
	}
	/* DisableForwarding does not cover tunnels (serverloop.c) */
	if (s->tunnel && host_net)
		finding(SEV_RISK, "sshd-forwarding", u->name,
			"PermitTunnel is on without ChrootDirectory and %s: sshd opens tun devices "
			"for ssh -w there (DisableForwarding does not cover it); set PermitTunnel "
			"no",
			why_net);
	if (s->expose_auth_info)
		finding(SEV_WARNING, "sshd-authinfo", u->name,
			"ExposeAuthInfo is on without ChrootDirectory: sshd writes SSH_USER_AUTH's "
			"file as the user in the host's /tmp, outside the jail root (the jail "
			"cannot read it); set ExposeAuthInfo no");
	if (n_risks(u->name) == n_before)
		finding(SEV_OK, "sshd-paths", u->name,
			"sshd's own work for this shell-mode user (sftp, forwarding, X11, agent, "
			"tunnel) stays off the host's tree");
}

/* Everything about one jailed user beyond the config: shell, home, sshd. */
/* pam_systemd's user@UID.service (`systemd --user`) runs outside the jail
 * and starts units from the home: pam_jail's drop-in keeps it from starting
 * for jailed users (cmd_user_manager) */
static void audit_user_manager(const struct jail_user *u)
{
	const char *systemctl =
		access("/usr/bin/systemctl", X_OK) == 0 ? "/usr/bin/systemctl" : "/bin/systemctl";
	struct jail_error err = { 0 };
	bool ours = false;
	unsigned uid = (unsigned)u->uid;

	if (!jail_systemd_booted()) {
		finding(SEV_OK, "user-manager", u->name,
			"systemd is not pid 1: no user manager (systemd --user)");
		return;
	}
	if (jail_user_manager_running(u->uid))
		finding(SEV_RISK, "user-manager", u->name,
			"user@%u.service (systemd --user) runs outside the jail and starts units "
			"the user can write from inside it; the module refuses the user's logins "
			"until: systemctl stop user@%u.service",
			uid, uid);
	if (jail_systemd_user_condition(systemctl, u->uid, &ours, &err) < 0)
		finding(SEV_WARNING, "user-manager", u->name,
			"cannot ask systemd about user@%u.service: %s", uid, err.msg);
	else if (!ours)
		finding(SEV_RISK, "user-manager", u->name,
			"pam_systemd would start user@%u.service (systemd --user) outside the "
			"jail, and it runs units the user can write from inside; install "
			"pam_jail's drop-in user@.service.d/pam_jail.conf "
			"(ExecCondition=+%s/jailctl user-manager %%i) and run systemctl "
			"daemon-reload",
			uid, JAIL_SBINDIR);
	else
		finding(SEV_OK, "user-manager", u->name,
			"user@%u.service does not start for this user (ExecCondition: jailctl "
			"user-manager)",
			uid);
}

/* A template's linger (docs/DESIGN.md, "Linger"): what ends such a jail */
static void audit_linger(const struct jail_template *t, const struct jail_user *u)
{
	if (!t->linger_s)
		return;
	finding(SEV_OK, "linger", u->name,
		"the jail lives %u s after the last logout (template '%s'), with what the user "
		"left running; jailctl stop ends it at once%s",
		t->linger_s, t->name,
		jail_systemd_booted() ? ", loginctl terminate-user does not" : "");
}

/*
 * Host services that act on files of the user as the user, outside the jail.
 * The home is writable inside; a mail server runs the pipes of ~/.forward
 * and procmail runs ~/.procmailrc on the host (the class of the systemd
 * user manager above).  cron and at run jobs that were queued before the
 * user was jailed: the template has no crontab or at (no setuid or setgid
 * files), so none can be queued from inside.
 */
static void audit_home_runners(const struct jail_user *u)
{
	static const char *const mail_files[] = { ".forward", ".procmailrc", ".qmail",
						  ".mailfilter" };
	static const char *const mtas[] = { "/usr/sbin/sendmail", "/usr/lib/sendmail" };
	const char *mta = NULL;
	char p[PATH_MAX], found[256] = "";
	struct stat st;
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(mtas) && !mta; i++)
		if (lstat(mtas[i], &st) == 0)
			mta = mtas[i];
	for (size_t i = 0; i < ELEMENTSOF(mail_files); i++) {
		snprintf(p, sizeof(p), "%s/%s", u->home, mail_files[i]);
		if (lstat(p, &st) == 0)
			n += (size_t)snprintf(found + n, n < sizeof(found) ? sizeof(found) - n : 0,
					      "%s~/%s", n ? ", " : "", mail_files[i]);
	}
	if (found[0])
		finding(mta ? SEV_RISK : SEV_WARNING, "home-runners", u->name,
			"%s in the home: a mail server %s runs the commands they name as the user "
			"outside the jail, and the user can write them from inside; remove them "
			"and turn off forward files for jailed users",
			found,
			mta ? "(this host has one: its sendmail is there)"
			    : "(none is installed now)");
	else if (mta)
		finding(SEV_WARNING, "home-runners", u->name,
			"a mail server is installed (%s): most run ~/.forward pipes (and procmail "
			"~/.procmailrc) as the user outside the jail, files the user can write "
			"from inside; turn off forward files for jailed users",
			mta);
	else
		finding(SEV_OK, "home-runners", u->name,
			"no mail server, no ~/.forward or ~/.procmailrc");

	snprintf(p, sizeof(p), "/var/spool/cron/crontabs/%s", u->name);
	if (lstat(p, &st) == 0)
		finding(SEV_RISK, "home-runners", u->name,
			"%s exists: cron runs it as the user outside the jail; remove it (crontab "
			"-r -u %s)",
			p, u->name);
	{
		_cleanup_closedir_ DIR *d = opendir("/var/spool/cron/atjobs");
		struct dirent *de;
		unsigned jobs = 0;

		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.' &&
			    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode) && st.st_uid == u->uid)
				jobs++;
		if (jobs)
			finding(SEV_RISK, "home-runners", u->name,
				"%u at job%s of the user queued in /var/spool/cron/atjobs: atd "
				"runs them outside the jail; remove them (atrm)",
				jobs, jobs == 1 ? "" : "s");
	}
}

static void audit_user(const struct jail_config *cfg, const struct jail_template *t,
		       const struct jail_user *u)
{
	const char *base = strrchr(u->shell, '/');
	bool shell_mode =
		strcmp(u->shell, JAIL_HELPER) == 0 || (base && strcmp(base + 1, "jailsh") == 0);
	struct jail_sshd_settings s;
	struct jail_error err = { 0 };
	char root[PATH_MAX], chroot_dir[PATH_MAX];
	bool chrooted;
	struct stat st;

	finding(SEV_OK, "shell", u->name, "%s mode (login shell %s)",
		shell_mode ? "shell" : "ChrootDirectory", u->shell);
	if (stat(u->home, &st) < 0)
		finding(SEV_WARNING, "home", u->name, "home %s: %s", u->home, strerror(errno));
	else if (st.st_mode & (S_IROTH | S_IXOTH))
		finding(SEV_RISK, "home", u->name,
			"home %s has mode %04o: any host user can reach it, and a socket there "
			"hands the jail an fd of the host; chmod o-rwx %s",
			u->home, (unsigned)(st.st_mode & 07777), u->home);
	else
		finding(SEV_OK, "home", u->name, "home %s has mode %04o", u->home,
			(unsigned)(st.st_mode & 07777));
	if (jail_landlock_hole(t))
		finding(SEV_RISK, "abstract-sockets", u->name,
			"template '%s' (network = \"host\", no Landlock scoping: %s): host "
			"abstract unix sockets are reachable from the jail",
			t->name, jail_landlock_hole(t));
	audit_user_manager(u);
	audit_linger(t, u);
	audit_home_runners(u);

	jail_state_path(root, sizeof(root), cfg->state_dir, u->name, JAIL_STATE_ROOT);
	if (jail_sshd_query(sshd_binary(), arg_sshd_config, u->name, &s, &err) < 0) {
		finding(SEV_WARNING, "sshd", u->name, "cannot read sshd's settings: %s", err.msg);
		return;
	}
	if (strcmp(s.chroot, "none") == 0)
		chroot_dir[0] = '\0';
	else if (jail_sshd_expand(s.chroot, u->name, u->uid, u->home, chroot_dir,
				  sizeof(chroot_dir)) < 0)
		snprintf(chroot_dir, sizeof(chroot_dir), "%s", s.chroot);
	chrooted = chroot_dir[0] && same_path(chroot_dir, root);
	if (chrooted && shell_mode)
		finding(SEV_WARNING, "sshd-chroot", u->name,
			"ChrootDirectory is the jail root %s, but the login shell is jailsh: sshd "
			"runs jailsh inside the jail root, where it cannot work (the jail is "
			"nosuid), so ssh logins fail; pick one mode per user: a template shell "
			"with ChrootDirectory, or jailsh without it (jailsh(8))",
			root);
	else if (chrooted)
		finding(SEV_OK, "sshd-chroot", u->name, "ChrootDirectory is the jail root %s",
			root);
	else if (!shell_mode)
		finding(SEV_RISK, "sshd-chroot", u->name,
			"ChrootDirectory is %s, not the jail root %s, and the login shell is not "
			"jailsh: its ssh "
			"sessions fail (pam_jail gives them a root that holds the jail alone) and "
			"sshd's own work "
			"for it (forwarding) is not confined; set ChrootDirectory "
			"%s/%%u/" JAIL_STATE_ROOT " for this user",
			chroot_dir[0] ? chroot_dir : "none", root, cfg->state_dir);
	else if (chroot_dir[0])
		finding(SEV_WARNING, "sshd-chroot", u->name,
			"ChrootDirectory is %s, not the jail root %s (shell mode: jailsh confines "
			"the shell)",
			chroot_dir, root);
	else
		finding(SEV_OK, "sshd-chroot", u->name,
			"no ChrootDirectory (shell mode: jailsh confines the shell)");

	if (!shell_mode || chrooted)
		goto pam; /* sshd's child works inside the jail root (or the login is
			   * unconfined: said above) */
	audit_sshd_paths(t, u, &s);
pam:
	if (strcmp(s.force_command, "none") != 0)
		finding(SEV_OK, "sshd-forcecommand", u->name, "ForceCommand %s", s.force_command);
	if (s.pam_service[0] && !pam_service_holds(s.pam_service))
		finding(SEV_WARNING, "sshd-pam", u->name,
			"sshd's PAMServiceName '%s' holds no 'session ... pam_jail.so' line in %s",
			s.pam_service, arg_pam_dir);
}

static void audit_host(const struct jail_config *cfg)
{
	audit_pam(cfg);
	audit_kernel();
}

static void print_summary(void)
{
	size_t count[3] = { 0 };

	for (const struct finding *f = findings; f; f = f->next)
		count[f->sev]++;
	printf("audit: %zu ok, %zu warning%s, %zu risk%s\n", count[SEV_OK], count[SEV_WARNING],
	       count[SEV_WARNING] == 1 ? "" : "s", count[SEV_RISK],
	       count[SEV_RISK] == 1 ? "" : "s");
}

/*
 * Every jailed user of the passwd database: with `login`, what
 * `check --all-users` always printed (the mapping and whether a login would
 * be refused, counted in *ret_refused), then the user's audit.  Returns 0 or
 * -1 (out of memory).
 */
static int audit_all_users(const struct jail_config *cfg, int state_fd, bool login,
			   size_t *ret_refused)
{
	_cleanup_free_ bool *walked = calloc(cfg->n_templates ? cfg->n_templates : 1, sizeof(bool));
	const struct jail_rule *rule = NULL;
	bool is_group = false;
	struct passwd *pw;
	size_t n = 0, n_refused = 0;

	if (!walked) {
		fprintf(stderr, "jailctl: out of memory\n");
		return -1;
	}
	setpwent();
	while ((pw = getpwent())) {
		struct jail_user *au = NULL;
		const struct jail_template *t;

		if (pw->pw_uid == 0 || jail_user_lookup(pw->pw_name, &au, NULL) < 0)
			continue;
		t = jail_config_match(cfg, au->name, au->group_names, au->n_group_names, &rule,
				      &is_group);
		if (t) {
			size_t ti = (size_t)(t - cfg->templates);

			n++;
			if (login) {
				fprintf(out_h, "%s: template '%s' (by %s '%s' at %s:%u)\n",
					au->name, t->name, is_group ? "group" : "user", rule->name,
					rule->file, rule->line);
				/* one full walk per template; its users after the
				 * first are answered from the cache it refreshed */
				if (check_login(cfg, t, au, state_fd,
						walked[ti] ? 0 : JAIL_INPUTS_REFRESH, "  ") < 0) {
					n_refused++;
					finding(SEV_RISK, "login", au->name,
						"refused at login (template '%s'; reasons above)",
						t->name);
				} else
					finding(SEV_OK, "login", au->name, "template '%s'",
						t->name);
				walked[ti] = true;
			}
			audit_user(cfg, t, au);
		}
		jail_user_free(au);
	}
	endpwent();
	if (login)
		fprintf(out_h, "%zu jailed user%s, %zu refused at login\n", n, n == 1 ? "" : "s",
			n_refused);
	if (ret_refused)
		*ret_refused = n_refused;
	return 0;
}

/* What a template leaves open on this host (issue 13 defaults and their
 * opt-outs); 1 when its users would be refused. */
static int check_template_risks(const struct jail_template *t)
{
	const char *hole = jail_landlock_hole(t);

	if (t->landlock == JAIL_LANDLOCK_REQUIRED && jail_landlock_abi() < 6) {
		fprintf(stderr,
			"%s:%u: template '%s': landlock = true, but this kernel has no Landlock "
			"scoping (ABI %ld < 6, needs Linux 6.12): its users are refused\n",
			t->file, t->line, t->name, jail_landlock_abi());
		return 1;
	}
	if (hole)
		fprintf(stderr,
			"%s:%u: warning: template '%s': host processes can pass its jails host fds "
			"over abstract unix sockets (%s); network = \"none\" closes that\n",
			t->file, t->line, t->name,
			t->landlock == JAIL_LANDLOCK_OFF
				? "landlock = false"
				: "this kernel has no Landlock scoping, needs Linux 6.12");
	if (t->home_check != JAIL_HOME_CHECK_REFUSE)
		fprintf(stderr,
			"%s:%u: warning: template '%s': home_mode_check = \"%s\": a home other "
			"users can reach (a socket there passes host fds in) is %s\n",
			t->file, t->line, t->name,
			t->home_check == JAIL_HOME_CHECK_WARN ? "warn" : "off",
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

	out_h = arg_json ? stderr : stdout;
	if (jail_config_load(arg_config, JAIL_CONFIG_CHECK_OWNER, &cfg, &err) < 0) {
		char msg[1024];

		fprintf(stderr, "%s\n", jail_error_format(&err, msg, sizeof(msg)));
		if (arg_json) {
			finding(SEV_RISK, "config", NULL, "%s", msg);
			print_json(false);
		}
		return 1;
	}
	/* as root, the template walks below refresh the verification cache, so
	 * that a change root made to a template counts from now on */
	if (geteuid() == 0)
		state_fd = jail_state_dir_open(cfg->state_dir, NULL);
	if (!arg_user && !arg_all_users) {
		for (size_t i = 0; i < cfg->n_templates; i++) {
			char sh[PATH_MAX];
			struct stat st;

			if (jail_path_join(sh, sizeof(sh), cfg->templates[i].rootfs,
					   cfg->templates[i].shell) == 0 &&
			    (stat(sh, &st) < 0 || !(st.st_mode & S_IXOTH)))
				fprintf(stderr,
					"%s:%u: warning: template '%s': shell '%s' is not an "
					"executable in %s (fine for ChrootDirectory-only use, "
					"fatal for jailsh)\n",
					cfg->templates[i].file, cfg->templates[i].line,
					cfg->templates[i].name, cfg->templates[i].shell,
					cfg->templates[i].rootfs);
		}
		{
			/* the full security walk of each template (the one jail
			 * creation does at most every template_verify_interval
			 * seconds); as root it also refreshes the cache, so that a
			 * change root made to a template counts from now on */
			for (size_t i = 0; i < cfg->n_templates; i++) {
				const struct jail_template *tt = &cfg->templates[i];
				struct jail_error e = { 0 };
				_cleanup_close_ int fd = jail_open_trusted(
					tt->rootfs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &e);

				if (fd < 0) {
					fprintf(stderr, "%s:%u: template '%s': %s\n", tt->file,
						tt->line, tt->name, e.msg);
					ret = 1;
				} else if (jail_template_verify_refresh(fd, tt->rootfs, state_fd,
									&e) < 0) {
					fprintf(stderr,
						"%s:%u: template '%s' fails verification (its "
						"users are refused): %s\n",
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
			if (jail_limits_unsupported(&tt->limits, &host, missing, sizeof(missing)) ==
			    0)
				continue;
			if (tt->limits.required) {
				fprintf(stderr,
					"%s:%u: template '%s': this host cannot enforce the "
					"required limits: %s\n",
					tt->file, tt->line, tt->name, missing);
				ret = 1;
			} else
				fprintf(stderr,
					"%s:%u: warning: template '%s': this host cannot enforce: "
					"%s (not required: logins go ahead without them)\n",
					tt->file, tt->line, tt->name, missing);
		}
		for (size_t i = 0; i < cfg->n_users; i++)
			if (!getpwnam(cfg->users[i].name))
				fprintf(stderr, "%s:%u: warning: user '%s' does not exist (yet)\n",
					cfg->users[i].file, cfg->users[i].line, cfg->users[i].name);
		for (size_t i = 0; i < cfg->n_groups; i++)
			if (!getgrnam(cfg->groups[i].name))
				fprintf(stderr, "%s:%u: warning: group '%s' does not exist (yet)\n",
					cfg->groups[i].file, cfg->groups[i].line,
					cfg->groups[i].name);
		if (ret == 0) {
			fprintf(out_h, "%s: OK (%zu templates, %zu users, %zu groups)\n", cfg->path,
				cfg->n_templates, cfg->n_users, cfg->n_groups);
			finding(SEV_OK, "config", NULL, "%s: %zu templates, %zu users, %zu groups",
				cfg->path, cfg->n_templates, cfg->n_users, cfg->n_groups);
		} else
			finding(SEV_RISK, "config", NULL,
				"%s has errors (printed above): the users it names are refused",
				cfg->path);
		audit_host(cfg);
		(void)audit_all_users(cfg, state_fd, false, NULL);
		goto out;
	}
	if (arg_all_users) {
		size_t n_refused = 0;

		audit_host(cfg);
		if (audit_all_users(cfg, state_fd, true, &n_refused) < 0)
			ret = 1;
		else
			ret = n_refused > 0;
		goto out;
	}
	if (jail_user_lookup(arg_user, &u, &err) < 0) {
		fprintf(stderr, "jailctl: %s\n", err.msg);
		ret = 1;
		goto out;
	}
	if (u->uid == 0) {
		fprintf(out_h, "%s: not jailed (uid 0 is never jailed)\n", u->name);
		goto out;
	}
	t = jail_config_match(cfg, u->name, u->group_names, u->n_group_names, &rule, &is_group);
	if (!t) {
		fprintf(out_h, "%s: not jailed\n", u->name);
		goto out;
	}
	jail_state_path(root, sizeof(root), cfg->state_dir, u->name, JAIL_STATE_ROOT);
	fprintf(out_h, "%s: template '%s' (by %s '%s' at %s:%u)\n", u->name, t->name,
		is_group ? "group" : "user", rule->name, rule->file, rule->line);
	fprintf(out_h, "  rootfs %s\n  shell  %s\n  root   %s\n  home   %s\n", t->rootfs, t->shell,
		root, u->home);
	if (t->linger_s)
		fprintf(out_h, "  linger %u s after the last logout\n", t->linger_s);
	if (check_login(cfg, t, u, state_fd, JAIL_INPUTS_REFRESH, "  ") < 0) {
		ret = 1;
		finding(SEV_RISK, "login", u->name,
			"refused at login (template '%s'; reasons above)", t->name);
	} else {
		fprintf(out_h,
			"  login  OK (template verified; home, jail-init and binds usable)\n");
		finding(SEV_OK, "login", u->name,
			"template '%s' verified; home, jail-init and binds usable", t->name);
	}
	audit_user(cfg, t, u);
	audit_host(cfg);
out:
	if (arg_json)
		print_json(true);
	else if (n_findings)
		print_summary();
	if (findings_oom) {
		fprintf(stderr, "jailctl: out of memory: findings are missing\n");
		ret = 1;
	}
	findings_free();
	safe_close(state_fd);
	jail_user_free(u);
	jail_config_free(cfg);
	return ret;
}

static int for_each_jail(const struct jail_config *cfg,
			 int (*fn)(const struct jail_config *, const char *, void *), void *data)
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

/*
 * The generation a jail uses.  A jail built from a plain-directory template
 * recorded generation -1 and the directory's identity (dev:ino); when the
 * template was converted to generations later, that directory became
 * generation 0 by a rename, which keeps the identity: the generation is the
 * one with that identity now.  Returns N (>= 0), -1 (unversioned: the
 * template is still the plain directory the jail has), or -2 (cannot be
 * told: no identity recorded, the template is gone from the config, or none
 * of its generations is the jail's tree).
 */
static long jail_generation(const struct jail_config *cfg, const struct jail_status *s)
{
	long gen;

	if (s->generation >= 0)
		return s->generation;
	for (size_t i = 0; i < cfg->n_templates; i++)
		if (strcmp(cfg->templates[i].name, s->template_name) == 0)
			return jail_template_gen_of(cfg->templates[i].rootfs, s->template_dev,
						    s->template_ino, &gen) < 0
				       ? -2
				       : gen;
	return -2;
}

static int list_one(const struct jail_config *cfg, const char *user, void *data)
{
	struct jail_status s;
	struct jail_error err = { 0 };
	int *n = data;
	char when[64] = "-", gen[32] = "-";
	struct tm tm;
	time_t tt;
	long g;

	if (jail_status(cfg, user, &s, &err) < 0 || !s.exists)
		return 0;
	tt = (time_t)s.created;
	if (localtime_r(&tt, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	g = jail_generation(cfg, &s);
	if (g >= 0)
		snprintf(gen, sizeof(gen), "%ld", g);
	else if (g == -2)
		snprintf(gen, sizeof(gen), "unknown");
	if (arg_json)
		printf("%s{\"user\":\"%s\",\"template\":\"%s\",\"alive\":%s,\"logins\":%d,"
		       "\"processes\":%d,\"rss_kb\":%llu,\"init_pid\":%d,\"since\":%lld,"
		       "\"generation\":%s,\"generation_known\":%s,\"linger\":%u}",
		       (*n)++ ? "," : "", user, s.template_name, s.alive ? "true" : "false",
		       s.logins, s.processes, s.rss_kb, (int)s.init_pid, s.created,
		       g >= 0 ? gen : "null", g == -2 ? "false" : "true", s.linger_s);
	else {
		char mem[32];

		snprintf(mem, sizeof(mem), "%.1fM", (double)s.rss_kb / 1024.0);
		if ((*n)++ == 0)
			printf("%-20s %-12s %-6s %6s %5s %8s %8s %-19s %s\n", "USER", "TEMPLATE",
			       "STATE", "LOGINS", "PROCS", "MEMORY", "INIT", "SINCE", "GENERATION");
		/* GENERATION: the template generation the jail was built from and
		 * keeps until it ends ("-": an unversioned template, "unknown":
		 * cannot be told, see jail_generation()) */
		/* STATE "idle": alive, no login, lingering (linger) until its
		 * init ends it */
		printf("%-20s %-12s %-6s %6d %5d %8s %8d %-19s %s\n", user, s.template_name,
		       !s.alive ? "stale" : s.logins == 0 && s.linger_s ? "idle" : "alive",
		       s.logins, s.processes, mem, (int)s.init_pid, when, gen);
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
		fprintf(stderr, "jailctl: jail-init %d of '%s' left alone: %s\n", (int)pid, user,
			what);
	else {
		printf("%s: ended jail-init %d, which no state recorded\n", user, (int)pid);
		syslog(LOG_INFO, "action=kill-untracked user='%s' init=%d by=jailctl gc", user,
		       (int)pid);
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
		jail_syslog(LOG_INFO, "action=teardown user='%s' by=jailctl %s", user,
			    force ? "stop" : "gc");
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
	if (setenv("PATH",
		   as_root ? "/usr/sbin:/usr/bin:/sbin:/bin" : "/usr/local/bin:/usr/bin:/bin",
		   1) < 0 ||
	    setenv("HOME", as_root ? "/" : u->home, 1) < 0 ||
	    setenv("USER", as_root ? "root" : u->name, 1) < 0 ||
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
	jail_syslog(LOG_INFO, "action=enter user='%s' template='%s' by_uid=%u as=%s pid=%d",
		    u->name, h.template_name, (unsigned)getuid(), arg_as_root ? "root" : "user",
		    (int)getpid());
	t = NULL;
	for (size_t i = 0; i < cfg->n_templates; i++)
		if (strcmp(cfg->templates[i].name, h.template_name) == 0)
			t = &cfg->templates[i];
	jail_term_prepare(&term);
	if (jail_enter(cfg, &h, u, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET, NULL,
		       &err) < 0 ||
	    jail_term_open(&term, arg_as_root ? 0 : u->uid, &err) < 0) {
		fprintf(stderr, "jailctl: %s\n", err.msg);
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
		if (jail_term_child(&term, -1, &err) < 0) {
			fprintf(stderr, "jailctl: %s\n", err.msg);
			_exit(1);
		}
		if ((r = enter_environment(u, arg_as_root)) < 0) {
			fprintf(stderr, "jailctl: %s\n", strerror(-r));
			_exit(1);
		}
		/* as the user: what the user's own logins get; --root: the
		 * jail's root alone, to look into it */
		const struct jail_confinement conf = {
			.state_dir = cfg->state_dir,
			.user = u->name,
			.chroot = true,
			.as = arg_as_root ? NULL : u,
			.seccomp = !arg_as_root && t && t->seccomp,
			.landlock = !arg_as_root && t ? t->landlock : JAIL_LANDLOCK_OFF,
			.template_name = t ? t->name : h.template_name,
		};

		if (jail_confine(&conf, &err) < 0) {
			fprintf(stderr, "jailctl: %s\n", err.msg);
			_exit(1);
		}
		if (!arg_as_root && chdir(u->home) < 0 && chdir("/") < 0)
			_exit(1);
		/* the command ends when jailctl does (after the credential
		 * change, which clears it); our parent, outside the jail's PID
		 * namespace, shows as 0 until it is gone */
		if (prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0) < 0 || getppid() != 0)
			_exit(1);
		execvp(cmd && cmd[0] ? cmd[0] : shell, cmd && cmd[0] ? cmd : def);
		fprintf(stderr, "jailctl: cannot run '%s' in the jail: %m\n",
			cmd && cmd[0] ? cmd[0] : shell);
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
	case 'S':
		arg_sshd = optarg;
		return -1;
	case 'F':
		arg_sshd_config = optarg;
		return -1;
	case 'P':
		arg_pam_dir = optarg;
		return -1;
	case 'h':
		usage(stdout);
		return 0;
	default:
		fprintf(stderr, "Try 'jailctl --help' for more information.\n");
		return 2;
	}
}

/*
 * `jailctl user-manager UID|USER`: the ExecCondition= of user@.service (the
 * drop-in conf/user@.service.d-pam_jail.conf.in).  pam_systemd has logind
 * start the user's manager, `systemd --user`, as the user in the host's mount
 * namespace, and it runs the units it finds in ~/.config/systemd/user: for a
 * jailed user, units written from inside the jail (the home is writable
 * there) would run outside it at the next login.  So a jailed user gets no
 * user manager.  Exit 0: the manager may start; 1: it may not (systemd then
 * skips the unit without failing it).  The decision is the module's: a user
 * the config jails, or whom a broken config mentions, or whom we cannot look
 * up, is refused; with no config file at all nobody is jailed.
 */
static int cmd_user_manager(const char *who)
{
	struct jail_decision d;
	struct jail_user *u = NULL;
	struct jail_error err = { 0 };
	char msg[1024];
	char *end;
	unsigned long uid;
	int r, ret = 1;

	errno = 0;
	uid = strtoul(who, &end, 10);
	if (who[0] >= '0' && who[0] <= '9' && !*end && errno == 0 && uid < (uid_t)-1)
		r = jail_user_lookup_uid((uid_t)uid, &u, &err);
	else
		r = jail_user_lookup(who, &u, &err);
	if (r < 0) {
		fprintf(stderr, "jailctl: user-manager: %s (refused)\n",
			jail_error_format(&err, msg, sizeof(msg)));
		jail_syslog(LOG_NOTICE, "action=refuse-user-manager user='%s' reason=\"%s\"", who,
			    err.msg);
		return 1;
	}
	jail_config_decide(arg_config, JAIL_CONFIG_CHECK_OWNER, u->name, u->uid, u->group_names,
			   u->n_group_names, &d);
	switch (d.verdict) {
	case JAIL_VERDICT_FREE:
		ret = 0;
		break;
	case JAIL_VERDICT_REFUSE:
		if (d.config_missing) {
			ret = 0; /* not configured: pam_jail jails nobody */
			break;
		}
		jail_error_format(&d.err, msg, sizeof(msg));
		fprintf(stderr, "jailctl: user-manager: %s: config error, user refused: %s\n",
			u->name, msg);
		jail_syslog(LOG_NOTICE,
			    "action=refuse-user-manager user='%s' reason=\"config error: %s\"",
			    u->name, msg);
		break;
	case JAIL_VERDICT_JAILED:
		fprintf(stderr,
			"jailctl: user-manager: %s is jailed (template '%s', %s '%s' at %s:%u): no "
			"systemd user manager outside the jail\n",
			u->name, d.t->name, d.by_group ? "group" : "user", d.rule->name,
			d.rule->file, d.rule->line);
		jail_syslog(LOG_INFO,
			    "action=refuse-user-manager user='%s' template='%s' reason=\"jailed\"",
			    u->name, d.t->name);
		break;
	}
	jail_decision_done(&d);
	jail_user_free(u);
	return ret;
}

/* `jailctl template gc/generations`: the live jails of the config's state
 * dir that use the template generation at gen_path (same inode).  Each
 * state is read under its user's lock, so a jail being built right now has
 * recorded its generation before we look.  A live jail whose generation
 * cannot be told counts as a user: nothing it may use is removed. */
struct users_ctx {
	struct jail_config *cfg;
	bool loaded;
};

static int template_users(const char *gen_path, char *buf, size_t size, void *data)
{
	struct users_ctx *ctx = data;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	struct stat gst;
	size_t len = 0;
	int n = 0;

	buf[0] = '\0';
	if (!ctx->loaded) {
		ctx->loaded = true;
		if (load(&ctx->cfg) < 0)
			ctx->cfg = NULL;
	}
	if (!ctx->cfg)
		return -ENOENT;
	if (stat(gen_path, &gst) < 0)
		return negative_errno();
	d = opendir(ctx->cfg->state_dir);
	if (!d)
		return errno == ENOENT ? 0 : negative_errno();
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -EBADF;
		struct jail_error err = { 0 };
		struct jail_status js;
		const char *why = NULL;
		int tries = 0;

		if (!jail_name_valid(de->d_name))
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK || ++tries > 300)
				return -EBUSY; /* 30 s: somebody holds it; we cannot tell */
			usleep(100 * 1000);
		}
		if (jail_status(ctx->cfg, de->d_name, &js, &err) < 0)
			return -EIO;
		(void)flock(fd, LOCK_UN);
		if (!js.exists || !js.alive)
			continue;
		/* by identity: a plain template converted to generations is
		 * renamed to P.gen/0 under the jails built from it */
		if (!js.template_ino)
			why = " (built before generations)";
		else if (js.template_dev != (unsigned long long)gst.st_dev ||
			 js.template_ino != (unsigned long long)gst.st_ino)
			continue;
		n++;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s%s",
					len ? ", " : "", de->d_name, why ? why : "");
		if (len >= size)
			len = size - 1;
	}
	return n;
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
		{ "sshd", required_argument, NULL, 'S' },
		{ "sshd-config", required_argument, NULL, 'F' },
		{ "pam-dir", required_argument, NULL, 'P' },
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
	if (strcmp(cmd, "template") == 0) {
		struct users_ctx ctx = { 0 };

		jail_template_set_users(template_users, &ctx);
		r = jail_template_main(argc - optind + 1, argv + optind - 1);
		if (ctx.cfg)
			jail_config_free(ctx.cfg);
		return r;
	}
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
		    snprintf(abs_config, sizeof(abs_config), "%s/%s", cwd, arg_config) >=
			    (int)sizeof(abs_config)) {
			fprintf(stderr, "jailctl: config path too long\n");
			return 1;
		}
		arg_config = abs_config;
	}

	if (strcmp(cmd, "check") == 0 && optind == argc)
		return cmd_check();
	if (strcmp(cmd, "list") == 0 && optind == argc)
		return cmd_list();
	if (strcmp(cmd, "user-manager") == 0 && optind + 1 == argc) {
		if (geteuid() != 0) {
			fprintf(stderr, "jailctl: user-manager needs root\n");
			return 1;
		}
		return cmd_user_manager(argv[optind]);
	}
	if (strcmp(cmd, "enter") == 0 && optind < argc) {
		if (geteuid() != 0) {
			fprintf(stderr, "jailctl: enter needs root\n");
			return 1;
		}
		return cmd_enter(argv[optind], argv + optind + 1);
	}
	if ((strcmp(cmd, "stop") == 0 && optind + 1 == argc) ||
	    (strcmp(cmd, "gc") == 0 && optind == argc)) {
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
				fprintf(stderr,
					"jailctl: cannot look for untracked jail-inits: %s\n",
					strerror(-n));
				r = -1;
			}
			if (for_each_jail(cfg, teardown_one, &force) < 0)
				r = -1;
			n = jail_gc_cgroups(cfg);
			if (n > 0)
				printf("removed %d stale cgroup%s\n", n, n == 1 ? "" : "s");
			{
				_cleanup_close_ int state_fd =
					jail_state_dir_open(cfg->state_dir, NULL);

				n = state_fd >= 0 ? jail_template_cache_gc(
							    state_fd, cfg->template_verify_interval)
						  : 0;
				if (n > 0)
					printf("removed %d stale template verification cache "
					       "entr%s\n",
					       n, n == 1 ? "y" : "ies");
			}
			{
				/* old template generations no live jail uses, decided
				 * as `jailctl template gc` decides (after the teardowns
				 * above: a stale jail uses none) */
				struct users_ctx ctx = { .cfg = cfg, .loaded = true };

				jail_template_set_users(template_users, &ctx);
				for (size_t i = 0; i < cfg->n_templates; i++)
					if (jail_template_gc(cfg->templates[i].rootfs, true) != 0)
						r = -1;
				jail_template_set_users(NULL, NULL);
			}
		}
		jail_config_free(cfg);
		return r < 0 ? 1 : 0;
	}
	fprintf(stderr,
		"jailctl: unknown command or wrong arguments: '%s'\nTry 'jailctl --help' for more "
		"information.\n",
		cmd);
	return 2;
}
