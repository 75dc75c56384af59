/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pam_jail.conf: parsed with libconfuse, then copied into plain structs so the
 * libconfuse schema stays private to this file.
 *
 * Security notes: the caller hands us an fd whose ownership it checked and we
 * parse exactly those bytes (cfg_parse_buf); no cfg_include function is
 * registered, so `include(...)` is an unknown option.  libconfuse expands
 * ${VAR} from the environment: jailsh clears its environment before calling.
 */
#include <confuse.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include "jail/cgroup.h"
#include "jail/config.h"
#include "jail/path.h"
#include "jail/template.h"

#define MAX_CONFIG_SIZE (1024 * 1024)

struct opt_line {
	char section[16];
	char title[80];
	char opt[32];
	unsigned line;
};

struct parse_ctx {
	const char *path;
	struct jail_error *err;
	bool failed;
	struct opt_line *lines;
	size_t n_lines;
};

/* libconfuse's callbacks carry no user pointer; parsing is never concurrent
 * within one thread, so a thread-local context is enough. */
static __thread struct parse_ctx *ctx;

static void on_error(cfg_t *cfg, const char *fmt, va_list ap) _printf_(2, 0);
static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[400];

	if (!ctx || ctx->failed) /* keep the first error */
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx->failed = true;
	jail_err_at(ctx->err, -EINVAL, ctx->path, cfg ? (unsigned)cfg->line : 0, "%s", msg);
}

/* Records the first error (later ones are consequences); returns -1. */
static int vfail(const char *file, unsigned line, const char *fmt, va_list ap) _printf_(3, 0);
static int vfail(const char *file, unsigned line, const char *fmt, va_list ap)
{
	char msg[400];

	if (ctx->failed)
		return -1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx->failed = true;
	jail_err_at(ctx->err, -EINVAL, file, line, "%s", msg);
	return -1;
}

/* an error in the file being parsed */
static int fail_at(unsigned line, const char *fmt, ...) _printf_(2, 3);
static int fail_at(unsigned line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(ctx->path, line, fmt, ap);
	va_end(ap);
	return r;
}

/* an error about an entry of any file, found after parsing */
static int fail_file(const char *file, unsigned line, const char *fmt, ...) _printf_(3, 4);
static int fail_file(const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(file, line, fmt, ap);
	va_end(ap);
	return r;
}

static void remember_line(cfg_t *sec, cfg_opt_t *opt)
{
	struct opt_line *n;

	n = realloc(ctx->lines, sizeof(*n) * (ctx->n_lines + 1));
	if (!n)
		return;
	ctx->lines = n;
	n = &ctx->lines[ctx->n_lines++];
	snprintf(n->section, sizeof(n->section), "%s", sec->name ? sec->name : "");
	snprintf(n->title, sizeof(n->title), "%s", sec->title ? sec->title : "");
	snprintf(n->opt, sizeof(n->opt), "%s", opt->name);
	n->line = (unsigned)sec->line;
}

static unsigned line_of(const char *section, const char *title, const char *opt)
{
	for (size_t i = ctx->n_lines; i-- > 0;) {
		const struct opt_line *l = &ctx->lines[i];

		if (strcmp(l->section, section) == 0 && strcmp(l->title, title ? title : "") == 0 &&
		    strcmp(l->opt, opt) == 0)
			return l->line;
	}
	return 0;
}

static int validate_abs_path(cfg_t *sec, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (!jail_path_normal(v))
		return fail_at((unsigned)sec->line, "%s: '%s' must be a normal absolute path",
			       opt->name, v ? v : "");
	if (strcmp(opt->name, "state_dir") == 0 && strcmp(v, "/") == 0)
		return fail_at((unsigned)sec->line, "%s: must not be '/'", opt->name);
	if (strpbrk(v, ",:\\"))
		return fail_at((unsigned)sec->line, "%s: '%s' must not contain ',', ':' or '\\'",
			       opt->name, v);
	return 0;
}

static int validate_size(cfg_t *sec, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	const char *p = v;

	remember_line(sec, opt);
	if (!p || !isdigit((unsigned char)*p))
		goto bad;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p && strchr("kKmMgG%", *p))
		p++;
	if (*p || strtoull(v, NULL, 10) == 0)
		goto bad;
	return 0;
bad:
	return fail_at((unsigned)sec->line, "%s: '%s' is not a size (like 64M, 1G or 10%%; not 0)",
		       opt->name, v ? v : "");
}

/* tmp_inodes: a count like tmpfs's nr_inodes (k/m/g suffixes), not 0 */
static int validate_inodes(cfg_t *sec, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	unsigned long long n;

	remember_line(sec, opt);
	if (v && *v && (jail_parse_bytes(v, &n) < 0 || n > (1ULL << 32) || strpbrk(v, "tT")))
		return fail_at((unsigned)sec->line,
			       "%s: '%s' is not a number of inodes (like 4096 or 64k; not 0)",
			       opt->name, v);
	if (v && !*v)
		return fail_at((unsigned)sec->line,
			       "%s: must not be empty (leave it out for the default)", opt->name);
	return 0;
}

static int validate_pty_max(cfg_t *sec, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (v < 1 || v > JAIL_MAX_PTY_MAX)
		return fail_at((unsigned)sec->line, "%s: %ld must be between 1 and %d", opt->name,
			       v, JAIL_MAX_PTY_MAX);
	return 0;
}

static int validate_network(cfg_t *sec, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (!v || (strcmp(v, "host") != 0 && strcmp(v, "none") != 0))
		return fail_at((unsigned)sec->line, "network: '%s' must be \"host\" or \"none\"",
			       v ? v : "");
	return 0;
}

const char *jail_bind_source_refused(const char *source, const char *state_dir)
{
	/* a bind of one of these, or of a directory above one, exposes it */
	static const char *const no_above[] = { "/etc", "/root", "/home", "/proc",
						"/sys", "/dev",  "/boot", "/run" };
	/* nor anything inside these */
	static const char *const no_below[] = { "/root",        "/home",          "/proc",
						"/sys",         "/dev",           "/boot",
						"/run",         "/etc/shadow",    "/etc/gshadow",
						"/etc/sudoers", "/etc/sudoers.d", "/etc/ssh",
						"/etc/security" };

	if (!jail_path_normal(source))
		return "not a normal absolute path";
	for (size_t i = 0; i < ELEMENTSOF(no_above); i++)
		if (jail_path_at_or_under(no_above[i], source))
			return "it would expose a host directory that holds secrets or other "
			       "users' files";
	for (size_t i = 0; i < ELEMENTSOF(no_below); i++)
		if (jail_path_at_or_under(source, no_below[i]))
			return "it lies in a host directory that holds secrets or other users' "
			       "files";
	if (state_dir &&
	    (jail_path_at_or_under(source, state_dir) || jail_path_at_or_under(state_dir, source)))
		return "it would expose pam_jail's state directory";
	return NULL;
}

const char *jail_bind_source_shared(const char *source)
{
	/* places every user of the host may write to (or that hold other
	 * users' mail and jobs): a bind of one, or of a directory above one,
	 * gives host users a channel into the jail (a socket passes fds).  A
	 * directory below one is judged by its own owner and mode (finalize). */
	static const char *const shared[] = { "/tmp",      "/var/tmp",   "/var/crash",
					      "/var/mail", "/var/spool", "/var/lock" };

	if (!jail_path_normal(source))
		return "not a normal absolute path";
	for (size_t i = 0; i < ELEMENTSOF(shared); i++)
		if (jail_path_at_or_under(shared[i], source))
			return "it is (or holds) a place other host users share; set shared = true "
			       "in the bind section if that is meant";
	return NULL;
}

static int validate_landlock(cfg_t *sec, cfg_opt_t *opt)
{
	static const char *const ok[] = { "auto", "true", "false", "yes", "no", "on", "off" };
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	for (size_t i = 0; v && i < ELEMENTSOF(ok); i++)
		if (strcmp(v, ok[i]) == 0)
			return 0;
	return fail_at((unsigned)sec->line, "landlock: '%s' must be \"auto\", true or false",
		       v ? v : "");
}

static int validate_home_check(cfg_t *sec, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (!v || (strcmp(v, "refuse") != 0 && strcmp(v, "warn") != 0 && strcmp(v, "off") != 0))
		return fail_at((unsigned)sec->line,
			       "home_mode_check: '%s' must be \"refuse\", \"warn\" or \"off\"",
			       v ? v : "");
	return 0;
}

/* Whether `dir` is a directory above (or equal to) the home of a user in
 * /etc/passwd (uid >= 1000, not nobody): that user's name and home into
 * who/home.  Only the files database is read: a config check must not wait
 * on NSS. */
static bool home_parent_of(const char *dir, char *who, size_t who_size, char *home,
			   size_t home_size)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	struct passwd pwbuf, *pw = NULL;
	char buf[4096];

	if (!f)
		return false;
	while (fgetpwent_r(f, &pwbuf, buf, sizeof(buf), &pw) == 0 && pw) {
		if (!pw->pw_dir || !jail_path_normal(pw->pw_dir) || strcmp(pw->pw_dir, "/") == 0 ||
		    pw->pw_uid < 1000 || pw->pw_uid == 65534)
			continue;
		if (jail_path_at_or_under(pw->pw_dir, dir)) {
			snprintf(who, who_size, "%s", pw->pw_name);
			snprintf(home, home_size, "%s", pw->pw_dir);
			return true;
		}
	}
	return false;
}

static int validate_bind_target(cfg_t *sec, cfg_opt_t *opt)
{
	static const char *const reserved[] = { "/proc", "/dev", "/tmp", "/var/tmp" };
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (!v || !*v)
		return 0; /* same as the source */
	if (!jail_path_normal(v) || strcmp(v, "/") == 0)
		return fail_at((unsigned)sec->line,
			       "bind '%s': target '%s' must be a normal absolute path, not '/'",
			       sec->title ? sec->title : "", v);
	for (size_t i = 0; i < ELEMENTSOF(reserved); i++)
		if (jail_path_at_or_under(v, reserved[i]))
			return fail_at(
				(unsigned)sec->line,
				"bind '%s': target '%s' is inside %s, which the jail mounts itself",
				sec->title ? sec->title : "", v, reserved[i]);
	return 0;
}

static int validate_mode(cfg_t *sec, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (!v || (strcmp(v, "readonly") != 0 && strcmp(v, "overlay") != 0))
		return fail_at((unsigned)sec->line,
			       "mode: '%s' must be \"readonly\" or \"overlay\"", v ? v : "");
	return 0;
}

static int validate_writable(cfg_t *sec, cfg_opt_t *opt)
{
	static const char *const reserved[] = { "/proc", "/dev", "/tmp", "/var/tmp", "/etc" };

	remember_line(sec, opt);
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);

		if (!jail_path_normal(v) || strcmp(v, "/") == 0)
			return fail_at((unsigned)sec->line,
				       "writable: '%s' must be a normal absolute path, not '/'",
				       v ? v : "");
		for (size_t r = 0; r < ELEMENTSOF(reserved); r++)
			if (jail_path_at_or_under(v, reserved[r]))
				return fail_at((unsigned)sec->line, "writable: '%s' is inside %s",
					       v, reserved[r]);
	}
	return 0;
}

static int validate_limit(cfg_t *sec, cfg_opt_t *opt)
{
	remember_line(sec, opt);
	if (strcmp(opt->name, "pids") == 0) {
		long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);

		if (v < 1 || v > 4194304)
			return fail_at((unsigned)sec->line,
				       "pids: %ld must be between 1 and 4194304", v);
		return 0;
	} else {
		const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
		unsigned long long b;
		unsigned pct;

		if (strcmp(opt->name, "memory") == 0 && jail_parse_bytes(v, &b) < 0)
			return fail_at((unsigned)sec->line,
				       "memory: '%s' is not a size (like 512M or 2G)", v ? v : "");
		if (strcmp(opt->name, "cpu") == 0 && jail_parse_percent(v, &pct) < 0)
			return fail_at((unsigned)sec->line,
				       "cpu: '%s' is not a share of one CPU (like 50%% or 200%%)",
				       v ? v : "");
	}
	return 0;
}

/* a number of seconds from 0 to max */
static int validate_seconds(cfg_t *sec, cfg_opt_t *opt, long max)
{
	long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (v < 0 || v > max)
		return fail_at((unsigned)sec->line, "%s: %ld must be between 0 and %ld seconds",
			       opt->name, v, max);
	return 0;
}

static int validate_interval(cfg_t *sec, cfg_opt_t *opt)
{
	return validate_seconds(sec, opt, JAIL_MAX_VERIFY_INTERVAL);
}

static int validate_linger(cfg_t *sec, cfg_opt_t *opt)
{
	return validate_seconds(sec, opt, JAIL_MAX_LINGER);
}

static int validate_ref(cfg_t *sec, cfg_opt_t *opt)
{
	remember_line(sec, opt);
	return 0;
}

/* Line where `keyword "title"` opens a section; libconfuse only knows where
 * the section ended. 0 if not found. */
static unsigned header_line(const char *buf, const char *keyword, const char *title)
{
	size_t kl = strlen(keyword), tl = strlen(title);
	unsigned line = 1;

	for (const char *p = buf; *p; line++) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, keyword, kl) == 0 && (q[kl] == ' ' || q[kl] == '\t')) {
			q += kl;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '"' || *q == '\'')
				q++;
			if (strncmp(q, title, tl) == 0 && !isalnum((unsigned char)q[tl]) &&
			    q[tl] != '_' && q[tl] != '-' && q[tl] != '.' && q[tl] != '@')
				return line;
		}
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return 0;
}

/*
 * Blanks out comments ("#", "//" and C-style block comments) in place, keeping every newline,
 * because libconfuse 3.3 miscounts lines after comments and FILE:LINE is our
 * interface.  On the way it refuses what libconfuse would accept silently: a
 * section still open at the end of the file (libconfuse takes EOF as "}")
 * and ${VAR} environment expansion (the config must say what it means,
 * whatever the reader's environment).  Returns 0 or -1 with the error set.
 */
static int preprocess(char *buf)
{
	unsigned line = 1, open_lines[64];
	size_t depth = 0;
	char quote = 0;

	if (!buf)
		return 0;
	for (char *p = buf; *p; p++) {
		if (*p == '\n')
			line++;
		if (quote) {
			if (*p == '\\' && p[1] && p[1] != '\n')
				p++;
			else if (*p == quote)
				quote = 0;
			else if (quote == '"' && p[0] == '$' && p[1] == '{')
				return fail_at(line,
					       "'${...}' environment expansion is not allowed");
			continue;
		}
		if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*p && *p != '\n')
				*p++ = ' ';
			p--;
		} else if (p[0] == '/' && p[1] == '*') {
			*p++ = ' ';
			*p = ' ';
			while (p[1] && !(p[1] == '*' && p[2] == '/')) {
				p++;
				if (*p == '\n')
					line++;
				else
					*p = ' ';
			}
			if (p[1]) {
				p[1] = ' ';
				p[2] = ' ';
				p += 2;
			}
		} else if (p[0] == '$' && p[1] == '{') {
			return fail_at(line, "'${...}' environment expansion is not allowed");
		} else if (*p == '{') {
			if (depth == ELEMENTSOF(open_lines))
				return fail_at(line, "sections nested too deeply");
			open_lines[depth++] = line;
		} else if (*p == '}' && depth > 0) {
			depth--;
		}
	}
	if (depth > 0 && !quote)
		return fail_at(open_lines[depth - 1],
			       "section opened here is never closed (missing '}')");
	return 0;
}

void jail_config_free(struct jail_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->state_dir);
	free(c->include_dir);
	for (size_t i = 0; i < c->n_templates; i++) {
		free(c->templates[i].file);
		free(c->templates[i].overlay_dir);
		for (size_t w = 0; w < c->templates[i].n_writable; w++)
			free(c->templates[i].writable[w]);
		free(c->templates[i].writable);
		for (size_t b = 0; b < c->templates[i].n_binds; b++) {
			free(c->templates[i].binds[b].source);
			free(c->templates[i].binds[b].target);
		}
		free(c->templates[i].binds);
		free(c->templates[i].name);
		free(c->templates[i].rootfs);
		free(c->templates[i].shell);
		free(c->templates[i].tmp_size);
	}
	free(c->templates);
	for (size_t i = 0; i < c->n_users; i++) {
		free(c->users[i].name);
		free(c->users[i].template_ref);
		free(c->users[i].file);
	}
	free(c->users);
	for (size_t i = 0; i < c->n_groups; i++) {
		free(c->groups[i].name);
		free(c->groups[i].template_ref);
		free(c->groups[i].file);
	}
	free(c->groups);
	free(c);
}

unsigned long long jail_template_tmp_inodes(const struct jail_template *t)
{
	unsigned long long v = 0, bytes;
	const char *p = t->tmp_size;

	if (t->tmp_inodes > 0)
		return t->tmp_inodes;
	while (p && isdigit((unsigned char)*p) && v < (1ULL << 40))
		v = v * 10 + (unsigned)(*p++ - '0');
	switch (p ? *p : '\0') {
	case 'k': case 'K': bytes = v << 10; break;
	case 'm': case 'M': bytes = v << 20; break;
	case 'g': case 'G': bytes = v << 30; break;
	case '%': {
		struct sysinfo si;

		bytes = sysinfo(&si) == 0 ? (unsigned long long)si.totalram * si.mem_unit / 100 * v
					  : 0;
		break;
	}
	default: bytes = v; break;
	}
	v = bytes / JAIL_TMP_BYTES_PER_INODE;
	return v < JAIL_TMP_MIN_INODES ? JAIL_TMP_MIN_INODES : v;
}

static char *xstrdup0(const char *s)
{
	return strdup(s ? s : "");
}

static int append_rules(cfg_t *cfg, const char *kind, const char *buf, const char *file,
			struct jail_rule **rules, size_t *n_rules)
{
	unsigned n = cfg_size(cfg, kind);
	struct jail_rule *grown;

	grown = realloc(*rules, sizeof(**rules) * (*n_rules + n + 1));
	if (!grown)
		return -ENOMEM;
	*rules = grown;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *s = cfg_getnsec(cfg, kind, i);
		const char *title = cfg_title(s);
		const char *tname = cfg_getstr(s, "template");
		unsigned hline = header_line(buf, kind, title);
		struct jail_rule *r = &grown[(*n_rules)++];

		*r = (struct jail_rule){ 0 };
		r->name = xstrdup0(title);
		r->file = strdup(file);
		r->template_ref = tname ? strdup(tname) : NULL;
		r->line = hline ? hline : (unsigned)s->line;
		r->ref_line = line_of(kind, title, "template");
		if (!r->ref_line)
			r->ref_line = r->line;
		if (!r->name || !r->file || (tname && !r->template_ref))
			return -ENOMEM;
		if (!jail_name_valid(title))
			return fail_at(r->line, "%s '%s': not a valid %s name", kind, title, kind);
		if (!tname)
			return fail_at(r->line, "%s '%s': no template given", kind, title);
	}
	return 0;
}

/* after every file is read: duplicates across files, template references */
static int resolve_rules(const struct jail_config *c, const char *kind, struct jail_rule *rules,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t t;

		for (size_t j = 0; j < i; j++)
			if (strcmp(rules[i].name, rules[j].name) == 0)
				return fail_file(rules[i].file, rules[i].line,
						 "duplicate %s '%s' (first at %s:%u)", kind,
						 rules[i].name, rules[j].file, rules[j].line);
		for (t = 0; t < c->n_templates; t++)
			if (strcmp(c->templates[t].name, rules[i].template_ref) == 0)
				break;
		if (t == c->n_templates)
			return fail_file(rules[i].file, rules[i].ref_line,
					 "%s '%s': undefined template '%s'", kind, rules[i].name,
					 rules[i].template_ref);
		rules[i].template_index = t;
	}
	return 0;
}

static int append_file(cfg_t *cfg, const char *buf, const char *file, bool dropin,
		       struct jail_config *c)
{
	unsigned n = cfg_size(cfg, "template");
	struct jail_template *grown;

	if (!dropin) {
		const char *inc = cfg_getstr(cfg, "include_dir");

		c->state_dir = xstrdup0(cfg_getstr(cfg, "state_dir"));
		if (!c->state_dir)
			return -ENOMEM;
		if (inc && *inc && !(c->include_dir = strdup(inc)))
			return -ENOMEM;
		c->template_verify_interval = (unsigned)cfg_getint(cfg, "template_verify_interval");
	}
	grown = realloc(c->templates, sizeof(*grown) * (c->n_templates + n + 1));
	if (!grown)
		return -ENOMEM;
	c->templates = grown;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *s = cfg_getnsec(cfg, "template", i);
		struct jail_template *t = &grown[c->n_templates++];
		unsigned hline = header_line(buf, "template", cfg_title(s));

		*t = (struct jail_template){ 0 };
		t->name = xstrdup0(cfg_title(s));
		t->file = strdup(file);
		t->rootfs = cfg_getstr(s, "rootfs") ? strdup(cfg_getstr(s, "rootfs")) : NULL;
		t->shell = xstrdup0(cfg_getstr(s, "shell"));
		t->tmp_size = xstrdup0(cfg_getstr(s, "tmp_size"));
		{
			const char *ino = cfg_getstr(s, "tmp_inodes");

			if (ino && *ino)
				(void)jail_parse_bytes(ino, &t->tmp_inodes);
		}
		t->pty_max = (unsigned)cfg_getint(s, "pty_max");
		t->linger_s = (unsigned)cfg_getint(s, "linger");
		t->line = hline ? hline : (unsigned)s->line;
		t->rootfs_line = line_of("template", t->name, "rootfs");
		if (!t->rootfs_line)
			t->rootfs_line = t->line;
		t->network_none = strcmp(cfg_getstr(s, "network"), "none") == 0;
		t->overlay = strcmp(cfg_getstr(s, "mode"), "overlay") == 0;
		t->overlay_dir = xstrdup0(cfg_getstr(s, "overlay_dir"));
		if (!t->overlay_dir)
			return -ENOMEM;
		t->n_writable = cfg_size(s, "writable");
		t->writable = calloc(t->n_writable + 1, sizeof(char *));
		if (!t->writable)
			return -ENOMEM;
		for (size_t w = 0; w < t->n_writable; w++)
			if (!(t->writable[w] = strdup(cfg_getnstr(s, "writable", (unsigned)w))))
				return -ENOMEM;
		t->seccomp = cfg_getbool(s, "seccomp");
		{
			const char *ll = cfg_getstr(s, "landlock"),
				   *hc = cfg_getstr(s, "home_mode_check");

			if (strcmp(ll, "auto") == 0)
				t->landlock = JAIL_LANDLOCK_AUTO;
			else if (strcmp(ll, "true") == 0 || strcmp(ll, "yes") == 0 ||
				 strcmp(ll, "on") == 0)
				t->landlock = JAIL_LANDLOCK_REQUIRED;
			else
				t->landlock = JAIL_LANDLOCK_OFF;
			t->home_check = strcmp(hc, "warn") == 0  ? JAIL_HOME_CHECK_WARN
					: strcmp(hc, "off") == 0 ? JAIL_HOME_CHECK_OFF
								 : JAIL_HOME_CHECK_REFUSE;
		}
		t->sftp_log = cfg_getbool(s, "sftp_log");
		{
			cfg_t *l = cfg_getsec(s, "limits");

			if (l) {
				const char *mem = cfg_getstr(l, "memory"),
					   *cpu = cfg_getstr(l, "cpu");

				if (mem && *mem)
					(void)jail_parse_bytes(mem, &t->limits.memory);
				if (cpu && *cpu)
					(void)jail_parse_percent(cpu, &t->limits.cpu_percent);
				t->limits.pids = cfg_getint(l, "pids");
				t->limits.required = cfg_getbool(l, "required");
			}
		}
		if (!t->name || !t->file || !t->shell || !t->tmp_size)
			return -ENOMEM;
		{
			unsigned nb = cfg_size(s, "bind");

			t->binds = calloc(nb ? nb : 1, sizeof(*t->binds));
			if (!t->binds)
				return -ENOMEM;
			for (unsigned b = 0; b < nb; b++) {
				cfg_t *bs = cfg_getnsec(s, "bind", b);
				struct jail_bind *jb = &t->binds[t->n_binds++];
				const char *target = cfg_getstr(bs, "target");
				const char *why;

				jb->source = xstrdup0(cfg_title(bs));
				jb->target = xstrdup0(target && *target ? target : cfg_title(bs));
				jb->read_only = cfg_getbool(bs, "read_only");
				jb->shared = cfg_getbool(bs, "shared");
				jb->line = header_line(buf, "bind", cfg_title(bs));
				if (!jb->line)
					jb->line = t->line;
				if (!jb->source || !jb->target)
					return -ENOMEM;
				why = jail_bind_source_refused(jb->source,
							       dropin ? NULL : c->state_dir);
				if (why)
					return fail_at(
						jb->line,
						"template '%s': bind source '%s' refused: %s",
						t->name, jb->source, why);
				if (!jb->shared && (why = jail_bind_source_shared(jb->source)))
					return fail_at(
						jb->line,
						"template '%s': bind source '%s' refused: %s",
						t->name, jb->source, why);
			}
		}
		if (!jail_name_valid(t->name))
			return fail_at(t->line, "template '%s': not a valid template name",
				       t->name);
		if (!t->rootfs)
			return fail_at(t->line, "template '%s': no rootfs given", t->name);
	}
	if (append_rules(cfg, "user", buf, file, &c->users, &c->n_users) < 0)
		return -1;
	if (append_rules(cfg, "group", buf, file, &c->groups, &c->n_groups) < 0)
		return -1;
	return 0;
}

static int finalize(struct jail_config *c, unsigned flags)
{
	for (size_t i = 0; i < c->n_templates; i++) {
		const struct jail_template *t = &c->templates[i];

		for (size_t j = 0; j < i; j++)
			if (strcmp(t->name, c->templates[j].name) == 0)
				return fail_file(t->file, t->line,
						 "duplicate template '%s' (first at %s:%u)",
						 t->name, c->templates[j].file,
						 c->templates[j].line);
		if (!(flags & JAIL_CONFIG_NO_FS_CHECKS)) {
			struct jail_error e = { 0 };
			struct jail_template_gen g;
			int r = jail_template_resolve(t->rootfs, &g, &e);

			if (r < 0)
				return fail_file(
					t->file, t->rootfs_line,
					"template '%s': rootfs must be a root-owned directory: %s",
					t->name, e.msg);
			safe_close(g.fd);
		}
		for (size_t b = 0; b < t->n_binds; b++) {
			const struct jail_bind *jb = &t->binds[b];
			const char *why = jail_bind_source_refused(jb->source, c->state_dir);

			if (why)
				return fail_file(t->file, jb->line,
						 "template '%s': bind source '%s' refused: %s",
						 t->name, jb->source, why);
			if (!(flags & JAIL_CONFIG_NO_FS_CHECKS)) {
				struct jail_error e = { 0 };
				/* the final component's mode is judged below, with
				 * shared = true in mind */
				int fd = jail_open_trusted(jb->source, O_PATH,
							   JAIL_TRUST_NOFOLLOW_FINAL |
								   JAIL_TRUST_FINAL_WRITABLE,
							   0, &e);
				char who[64], home[PATH_MAX];
				struct stat st;

				if (fd < 0)
					return fail_file(t->file, jb->line,
							 "template '%s': bind source refused: %s",
							 t->name, e.msg);
				if (fstat(fd, &st) < 0) {
					int r = negative_errno();

					safe_close(fd);
					return fail_file(t->file, jb->line,
							 "template '%s': bind source '%s': %s",
							 t->name, jb->source, strerror(-r));
				}
				safe_close(fd);
				/* a group- or world-writable source (sticky or not: /tmp)
				 * is a place host users share */
				if (!jb->shared && (st.st_mode & (S_IWGRP | S_IWOTH)))
					return fail_file(t->file, jb->line,
							 "template '%s': bind source '%s' refused: "
							 "it is writable by group or others (mode "
							 "%04o), a place host users share; set "
							 "shared = true in the bind section if "
							 "that is meant",
							 t->name, jb->source,
							 (unsigned)(st.st_mode & 07777));
				if (!jb->shared && S_ISDIR(st.st_mode) &&
				    home_parent_of(jb->source, who, sizeof(who), home,
						   sizeof(home)))
					return fail_file(t->file, jb->line,
							 "template '%s': bind source '%s' refused: "
							 "it holds the home '%s' of user '%s'; set "
							 "shared = true in the bind section if "
							 "that is meant",
							 t->name, jb->source, home, who);
			}
		}
	}
	if (resolve_rules(c, "user", c->users, c->n_users) < 0 ||
	    resolve_rules(c, "group", c->groups, c->n_groups) < 0)
		return -1;
	return 0;
}

static int read_all(int fd, char **ret)
{
	size_t size = 0, alloc = 4096;
	_cleanup_free_ char *buf = malloc(alloc);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (size + 1 >= alloc) {
			char *n;

			if (alloc >= MAX_CONFIG_SIZE)
				return -EFBIG;
			alloc *= 2;
			n = realloc(buf, alloc);
			if (!n)
				return -ENOMEM;
			buf = n;
		}
		r = read(fd, buf + size, alloc - size - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (r == 0)
			break;
		size += (size_t)r;
	}
	buf[size] = '\0';
	if (strlen(buf) != size)
		return -EILSEQ; /* NUL bytes: not a text file */
	*ret = TAKE_PTR(buf);
	return 0;
}

/* The schema, shared by the loader and by the mentions scan so that both read
 * the same tokens.  A drop-in has no state_dir, include_dir or
 * template_verify_interval.  NULL on out of memory. */
static cfg_t *new_cfg(bool dropin)
{
	cfg_opt_t limits_opts[] = {
		CFG_STR("memory", "", CFGF_NONE),
		CFG_INT("pids", 0, CFGF_NONE),
		CFG_STR("cpu", "", CFGF_NONE),
		CFG_BOOL("required", cfg_false, CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t bind_opts[] = {
		CFG_STR("target", "", CFGF_NONE),
		CFG_BOOL("read_only", cfg_true, CFGF_NONE),
		CFG_BOOL("shared", cfg_false, CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t template_opts[] = {
		CFG_STR("rootfs", NULL, CFGF_NODEFAULT),
		CFG_SEC("bind", bind_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_STR("shell", JAIL_DEFAULT_SHELL, CFGF_NONE),
		CFG_STR("tmp_size", JAIL_DEFAULT_TMP_SIZE, CFGF_NONE),
		CFG_STR("tmp_inodes", NULL, CFGF_NONE),
		CFG_INT("pty_max", JAIL_DEFAULT_PTY_MAX, CFGF_NONE),
		CFG_STR("network", "host", CFGF_NONE),
		CFG_SEC("limits", limits_opts, CFGF_NONE),
		CFG_BOOL("seccomp", cfg_false, CFGF_NONE),
		CFG_STR("landlock", "auto", CFGF_NONE),
		CFG_STR("home_mode_check", "refuse", CFGF_NONE),
		CFG_BOOL("sftp_log", cfg_false, CFGF_NONE),
		CFG_INT("linger", 0, CFGF_NONE),
		CFG_STR("mode", "readonly", CFGF_NONE),
		CFG_STR("overlay_dir", JAIL_DEFAULT_OVERLAY_DIR, CFGF_NONE),
		CFG_STR_LIST("writable", "{/usr/local}", CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t rule_opts[] = {
		CFG_STR("template", NULL, CFGF_NODEFAULT),
		CFG_END(),
	};
	cfg_opt_t opts[] = {
		CFG_SEC("template", template_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_SEC("user", rule_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_SEC("group", rule_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		/* the main file only: */
		CFG_STR("state_dir", JAIL_DEFAULT_STATE_DIR, CFGF_NONE),
		CFG_STR("include_dir", "", CFGF_NONE),
		CFG_INT("template_verify_interval", JAIL_DEFAULT_VERIFY_INTERVAL, CFGF_NONE),
		CFG_END(),
	};
	if (dropin)
		opts[3] = (cfg_opt_t)CFG_END();
	return cfg_init(opts, CFGF_NONE);
}

/* Parses one file (the main config, or a drop-in with only template, user
 * and group entries) and appends what it defines to c. */
static int parse_one(int fd, const char *path, bool dropin, struct jail_config *c,
		     struct jail_error *err)
{
	struct parse_ctx pctx = { .path = path, .err = err };
	struct parse_ctx *saved = ctx;
	_cleanup_free_ char *buf = NULL;
	cfg_t *cfg = NULL;
	int r;

	r = read_all(fd, &buf);
	if (r == -EILSEQ)
		return jail_err_at(err, r, path, 0, "not a text file");
	if (r < 0) {
		errno = -r;
		return jail_err_at(err, r, path, 0, "cannot read: %m");
	}

	ctx = &pctx;
	cfg = new_cfg(dropin);
	if (!cfg) {
		r = jail_err_at(err, -ENOMEM, path, 0, "out of memory");
		goto out;
	}
	cfg_set_error_function(cfg, on_error);
	if (!dropin) {
		cfg_set_validate_func(cfg, "state_dir", validate_abs_path);
		cfg_set_validate_func(cfg, "include_dir", validate_abs_path);
		cfg_set_validate_func(cfg, "template_verify_interval", validate_interval);
	}
	cfg_set_validate_func(cfg, "template|rootfs", validate_abs_path);
	cfg_set_validate_func(cfg, "template|bind|target", validate_bind_target);
	cfg_set_validate_func(cfg, "template|shell", validate_abs_path);
	cfg_set_validate_func(cfg, "template|tmp_size", validate_size);
	cfg_set_validate_func(cfg, "template|tmp_inodes", validate_inodes);
	cfg_set_validate_func(cfg, "template|pty_max", validate_pty_max);
	cfg_set_validate_func(cfg, "template|linger", validate_linger);
	cfg_set_validate_func(cfg, "template|network", validate_network);
	cfg_set_validate_func(cfg, "template|mode", validate_mode);
	cfg_set_validate_func(cfg, "template|landlock", validate_landlock);
	cfg_set_validate_func(cfg, "template|home_mode_check", validate_home_check);
	cfg_set_validate_func(cfg, "template|overlay_dir", validate_abs_path);
	cfg_set_validate_func(cfg, "template|writable", validate_writable);
	cfg_set_validate_func(cfg, "template|limits|memory", validate_limit);
	cfg_set_validate_func(cfg, "template|limits|pids", validate_limit);
	cfg_set_validate_func(cfg, "template|limits|cpu", validate_limit);
	cfg_set_validate_func(cfg, "user|template", validate_ref);
	cfg_set_validate_func(cfg, "group|template", validate_ref);

	if (preprocess(buf) < 0) {
		r = -EINVAL;
		goto out;
	}
	r = cfg_parse_buf(cfg, buf);
	if (r != CFG_SUCCESS || pctx.failed) {
		/* libconfuse: -1 file error, 1 parse error; both are failures */
		if (!pctx.failed)
			jail_err_at(err, -EINVAL, path, 0, "cannot be parsed");
		r = -EINVAL;
		goto out;
	}
	r = append_file(cfg, buf, path, dropin, c);
	if (r < 0 || pctx.failed) {
		if (!pctx.failed)
			jail_err_at(err, -ENOMEM, path, 0, "out of memory");
		r = pctx.failed ? -EINVAL : -ENOMEM;
		goto out;
	}
	r = 0;
out:
	if (cfg)
		cfg_free(cfg);
	free(pctx.lines);
	ctx = saved;
	return r;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drop-ins: every "*.conf" of include_dir (not hidden), in name order, each
 * held to the same trust rules as the main file. */
static int list_dropins(const char *dir, unsigned flags, int *ret_dir_fd, char ***ret_names,
			size_t *ret_n, struct jail_error *err)
{
	struct jail_error e = { 0 };
	_cleanup_close_ int dfd = -EBADF;
	_cleanup_closedir_ DIR *d = NULL;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;

	*ret_names = NULL;
	*ret_n = 0;
	if (flags & JAIL_CONFIG_CHECK_OWNER)
		dfd = jail_open_trusted(dir, O_RDONLY | O_DIRECTORY, JAIL_TRUST_DIR, 0, &e);
	else {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			snprintf(e.msg, sizeof(e.msg), "cannot open '%s': %s", dir,
				 strerror(errno));
	}
	if (dfd == -ENOENT)
		return 0; /* no drop-ins (yet) */
	if (dfd < 0)
		return jail_err_at(err, dfd, dir, 0, "refusing include_dir: %s", e.msg);
	d = fdopendir(dup(dfd));
	if (!d)
		return jail_err_at(err, negative_errno(), dir, 0, "cannot read: %m");
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **grown;

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		grown = realloc(names, sizeof(char *) * (n + 1));
		if (!grown || !(grown[n] = strdup(de->d_name))) {
			free(grown ? grown : names);
			return -ENOMEM;
		}
		names = grown;
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(char *), name_cmp);
	*ret_names = names;
	*ret_n = n;
	*ret_dir_fd = TAKE_FD(dfd);
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int load_dropins(struct jail_config *c, unsigned flags, struct jail_error *err)
{
	_cleanup_close_ int dfd = -EBADF;
	char **names = NULL;
	size_t n = 0;
	int r;

	r = list_dropins(c->include_dir, flags, &dfd, &names, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_close_ int fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", c->include_dir, names[i]);
		if (fd < 0)
			r = jail_err_at(err, negative_errno(), path, 0, "cannot open: %m");
		else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			r = jail_err_at(err, -EINVAL, path, 0, "not a regular file");
		else if ((flags & JAIL_CONFIG_CHECK_OWNER) &&
			 (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))))
			r = jail_err_at(err, -EPERM, path, 0,
					"refusing drop-in: not root-owned or writable by others");
		else
			r = parse_one(fd, path, true, c, err);
	}
	free_names(names, n);
	return r;
}

int jail_config_load_fd(int fd, const char *path, unsigned flags, struct jail_config **ret,
			struct jail_error *err)
{
	struct parse_ctx pctx = { .path = path, .err = err };
	struct parse_ctx *saved = ctx;
	struct jail_config *c;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		return jail_err_at(err, -ENOMEM, path, 0, "out of memory");
	}
	r = parse_one(fd, path, false, c, err);
	if (r == 0 && c->include_dir && !(flags & JAIL_CONFIG_NO_FS_CHECKS))
		r = load_dropins(c, flags, err);
	if (r == 0) {
		ctx = &pctx;
		r = finalize(c, flags) < 0 ? -EINVAL : 0;
		ctx = saved;
	}
	if (r < 0) {
		jail_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int jail_config_load(const char *path, unsigned flags, struct jail_config **ret,
		     struct jail_error *err)
{
	_cleanup_close_ int fd = -EBADF;

	if (flags & JAIL_CONFIG_CHECK_OWNER) {
		struct jail_error e = { 0 };

		fd = jail_open_trusted(path, O_RDONLY, JAIL_TRUST_REG | JAIL_TRUST_NOFOLLOW_FINAL,
				       0, &e);
		if (fd < 0)
			return jail_err_at(err, fd, path, 0, "refusing config: %s", e.msg);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return jail_err_at(err, negative_errno(), path, 0, "cannot open: %m");
	}
	return jail_config_load_fd(fd, path, flags, ret, err);
}

const struct jail_template *jail_config_match(const struct jail_config *c, const char *user,
					      char *const *groups, size_t n_groups,
					      const struct jail_rule **ret_rule,
					      bool *ret_rule_is_group)
{
	for (size_t i = 0; i < c->n_users; i++)
		if (strcmp(c->users[i].name, user) == 0) {
			if (ret_rule)
				*ret_rule = &c->users[i];
			if (ret_rule_is_group)
				*ret_rule_is_group = false;
			return &c->templates[c->users[i].template_index];
		}
	for (size_t i = 0; i < c->n_groups; i++)
		for (size_t g = 0; g < n_groups; g++)
			if (groups[g] && strcmp(c->groups[i].name, groups[g]) == 0) {
				if (ret_rule)
					*ret_rule = &c->groups[i];
				if (ret_rule_is_group)
					*ret_rule_is_group = true;
				return &c->templates[c->groups[i].template_index];
			}
	return NULL;
}

/* ---- the decision: jailed, free or refused ----------------------------------- */

void jail_config_decide_strict(const char *path, unsigned flags, const char *user, uid_t uid,
			       char *const *groups, size_t n_groups, struct jail_decision *d)
{
	int r;

	*d = (struct jail_decision){ .verdict = JAIL_VERDICT_FREE };
	if (uid == 0)
		return; /* before the config: a broken one cannot lock out root */
	r = jail_config_load(path, flags, &d->cfg, &d->err);
	if (r < 0) {
		d->verdict = JAIL_VERDICT_REFUSE;
		d->config_missing = r == -ENOENT && d->err.line == 0;
		return;
	}
	d->t = jail_config_match(d->cfg, user, groups, n_groups, &d->rule, &d->by_group);
	if (d->t)
		d->verdict = JAIL_VERDICT_JAILED;
}

void jail_config_decide(const char *path, unsigned flags, const char *user, uid_t uid,
			char *const *groups, size_t n_groups, struct jail_decision *d)
{
	jail_config_decide_strict(path, flags, user, uid, groups, n_groups, d);
	/* An unreadable, insecure or missing file names nobody we can trust
	 * (line 0); a file that parsed far enough to have a line is trusted to
	 * say whom it names. */
	if (d->verdict == JAIL_VERDICT_REFUSE && d->err.line > 0 &&
	    jail_config_mentions(path, user, groups, n_groups) == 0)
		d->verdict = JAIL_VERDICT_FREE;
}

void jail_decision_done(struct jail_decision *d)
{
	jail_config_free(d->cfg);
	d->cfg = NULL;
	d->t = NULL;
	d->rule = NULL;
}

/* ---- who does a config that does not load name? ----------------------------- */

static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' || ch == '@';
}

/* `name` as a whole word of text[0..len) */
static bool has_word(const char *text, size_t len, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || !text)
		return false;
	for (const char *p = memmem(text, len, name, n); p;
	     p = memmem(p + 1, len - (size_t)(p + 1 - text), name, n)) {
		bool left = p == text || !word_char(p[-1]);
		bool right = (size_t)(p + n - text) == len || !word_char(p[n]);

		if (left && right)
			return true;
	}
	return false;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/*
 * The text with every escape of libconfuse 3.3's double-quoted strings
 * decoded, wherever it stands (in or out of quotes, in comments): "\x63",
 * "\143", "\n" and the other letters, "\<newline>" (a continued line) and
 * "\<any>" for <any>.  Single-quoted strings keep their backslashes, and the
 * raw text covers them.  Returns the length of the new text (which may hold
 * NUL bytes) or -ENOMEM.
 */
static ssize_t decode_escapes(const char *text, char **ret)
{
	size_t len = strlen(text), o = 0;
	char *d = malloc(len + 1);

	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		const char *p = text + i;
		int v = 0, k;

		if (*p != '\\' || i + 1 == len) {
			d[o++] = *p;
			continue;
		}
		p++;
		i++;
		if (*p == '\n')
			continue;
		if (*p >= '0' && *p <= '7') {
			for (k = 0; k < 3 && p[k] >= '0' && p[k] <= '7'; k++)
				v = v * 8 + (p[k] - '0');
			d[o++] = (char)v;
			i += (size_t)k - 1;
		} else if (*p == 'x' && hex_digit(p[1]) >= 0) {
			for (k = 1; k < 3 && hex_digit(p[k]) >= 0; k++)
				v = v * 16 + hex_digit(p[k]);
			d[o++] = (char)v;
			i += (size_t)k - 1;
		} else {
			static const char from[] = "nrbfaetv", to[] = "\n\r\b\f\a\033\t\v";
			const char *f = strchr(from, *p);

			d[o++] = f ? to[f - from] : *p;
		}
	}
	d[o] = '\0';
	*ret = d;
	return (ssize_t)o;
}

/* the names in `names`, as words of the raw or the decoded text */
static bool text_has_any(const char *raw, const char *dec, size_t dec_len, const char *user,
			 char *const *groups, size_t n_groups)
{
	if (has_word(raw, strlen(raw), user) || has_word(dec, dec_len, user))
		return true;
	for (size_t i = 0; i < n_groups; i++)
		if (groups[i] &&
		    (has_word(raw, strlen(raw), groups[i]) || has_word(dec, dec_len, groups[i])))
			return true;
	return false;
}

static int add_dir(char ***dirs, size_t *n, const char *s, size_t len)
{
	char **grown;

	for (size_t i = 0; i < *n; i++)
		if (strlen((*dirs)[i]) == len && strncmp((*dirs)[i], s, len) == 0)
			return 0;
	grown = realloc(*dirs, sizeof(char *) * (*n + 2));
	if (!grown)
		return -ENOMEM;
	*dirs = grown;
	if (!(grown[*n] = strndup(s, len)))
		return -ENOMEM;
	grown[++*n] = NULL;
	return 0;
}

/*
 * Whether [t, eol) holds only blanks, '=' or '+' and comments ('#' and '//' to
 * the end of the line, block comments), a block comment being open at its start if
 * *in_block; *in_block says whether one is open at its end.  Text counts as
 * text even where it hides a comment's start (a quoted slash-star): that only
 * makes the guess below read on further.
 */
static bool comments_only(const char *t, const char *eol, bool *in_block)
{
	bool text = false;

	while (t < eol) {
		if (*in_block) {
			const char *c = memmem(t, (size_t)(eol - t), "*/", 2);

			if (!c)
				return !text;
			*in_block = false;
			t = c + 2;
		} else if (*t == '#' || (t + 1 < eol && t[0] == '/' && t[1] == '/')) {
			return !text;
		} else if (t + 1 < eol && t[0] == '/' && t[1] == '*') {
			*in_block = true;
			t += 2;
		} else {
			/* the '=' (or "+=") between keyword and value is not it,
			 * nor a lone '*', which libconfuse skips like a blank */
			if (!strchr(" \t\r=+*", *t))
				text = true;
			t++;
		}
	}
	return !text;
}

/*
 * Every absolute path that may be the value of an `include_dir` in a file
 * libconfuse cannot read: after each "include_dir" word (comments included),
 * the paths on the rest of its line and on every following line up to and
 * including the first one that holds more than blanks and comments:
 * libconfuse skips comments between the keyword and its value (line comments
 * and block comments over several lines), and a comment may hold paths of
 * its own ("# size= of /tmp").  A guess too many names nobody (a missing or
 * untrusted directory is not read).
 */
static int guess_include_dirs(const char *text, size_t len, char ***dirs, size_t *n)
{
	static const char kw[] = "include_dir";
	const char *end = text + len;

	for (const char *p = memmem(text, len, kw, strlen(kw)); p;
	     p = memmem(p + 1, (size_t)(end - p - 1), kw, strlen(kw))) {
		const char *q = p + strlen(kw);

		bool in_block = false;

		/* no word boundary before it: a broken line can join the
		 * keyword to what precedes it ("templates.include_dir" once
		 * a comment's newline is gone, make fuzz), and a guess too
		 * many only scans more */
		for (int lines = 0; q < end; lines++) {
			const char *eol = memchr(q, '\n', (size_t)(end - q));
			bool more;

			if (!eol)
				eol = end;
			/* after this line, go on while it held only blanks and
			 * comments (the keyword's own line: always) */
			more = comments_only(q, eol, &in_block) || lines == 0;
			for (; q < eol; q++) {
				const char *e = q;

				if (*q != '/')
					continue;
				if (q > text && (q[-1] == '"' || q[-1] == '\'')) {
					/* quoted: everything up to the closing quote
					 * ('+' and the rest are path characters there) */
					while (e < eol && *e != q[-1] && *e)
						e += (*e == '\\' && e + 1 < eol) ? 2 : 1;
					if (e > eol)
						e = eol;
				} else
					while (e < eol && !strchr(" \t\r\"'#{}(),=+", *e) && *e)
						e++;
				if (add_dir(dirs, n, q, (size_t)(e - q)) < 0)
					return -ENOMEM;
				q = e;
				if (q == eol)
					break;
			}
			q = eol < end ? eol + 1 : end;
			if (!more)
				break;
		}
	}
	return 0;
}

/* The tokens libconfuse reads (our comment blanking, then libconfuse with the
 * loader's schema), without the loader's checks.  NULL if libconfuse cannot
 * read the text, or out of memory. */
static cfg_t *read_tokens(const char *text, bool dropin)
{
	struct jail_error e = { 0 };
	struct parse_ctx pctx = { .path = "", .err = &e };
	struct parse_ctx *saved = ctx;
	_cleanup_free_ char *buf = strdup(text);
	cfg_t *cfg = NULL;

	if (!buf)
		return NULL;
	ctx = &pctx;
	cfg = new_cfg(dropin);
	if (cfg) {
		cfg_set_error_function(cfg, on_error);
		if (preprocess(buf) < 0 || cfg_parse_buf(cfg, buf) != CFG_SUCCESS || pctx.failed) {
			cfg_free(cfg);
			cfg = NULL;
		}
	}
	free(pctx.lines);
	ctx = saved;
	return cfg;
}

static bool titles_have(cfg_t *cfg, const char *kind, const char *name)
{
	if (!name || !*name)
		return false;
	for (unsigned i = 0; i < cfg_size(cfg, kind); i++) {
		const char *t = cfg_title(cfg_getnsec(cfg, kind, i));

		if (t && strcmp(t, name) == 0)
			return true;
	}
	return false;
}

void jail_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int jail_config_text_mentions(const char *text, bool dropin, const char *user, char *const *groups,
			      size_t n_groups, char ***ret_dirs)
{
	char **dirs = NULL;
	size_t n_dirs = 0;
	cfg_t *cfg;
	int r = 0;

	*ret_dirs = NULL;
	if (!text)
		return 1;
	cfg = read_tokens(text, dropin);
	if (cfg) {
		/* it reads: exactly the names and include_dir the loader sees */
		const char *inc = dropin ? NULL : cfg_getstr(cfg, "include_dir");

		if (titles_have(cfg, "user", user))
			r = 1;
		for (size_t i = 0; i < n_groups && r == 0; i++)
			if (titles_have(cfg, "group", groups[i]))
				r = 1;
		if (r == 0 && inc && *inc && add_dir(&dirs, &n_dirs, inc, strlen(inc)) < 0)
			r = -ENOMEM;
		cfg_free(cfg);
	} else {
		/* it does not read: any trace of a name counts, comments included */
		_cleanup_free_ char *dec = NULL;
		ssize_t dec_len = decode_escapes(text, &dec);

		if (dec_len < 0)
			r = -ENOMEM;
		else if (text_has_any(text, dec, (size_t)dec_len, user, groups, n_groups))
			r = 1;
		else if (!dropin && (guess_include_dirs(text, strlen(text), &dirs, &n_dirs) < 0 ||
				     guess_include_dirs(dec, (size_t)dec_len, &dirs, &n_dirs) < 0))
			r = -ENOMEM;
	}
	if (r != 0) {
		jail_strv_free(dirs);
		return r;
	}
	*ret_dirs = dirs;
	return 0;
}

/* 1 if a drop-in of `dir` mentions the user (or cannot be read), else 0 */
static int dropins_mention(const char *dir, const char *user, char *const *groups, size_t n_groups)
{
	_cleanup_close_ int dfd = -EBADF;
	char **names = NULL;
	size_t n = 0;
	int r;

	if (list_dropins(dir, JAIL_CONFIG_CHECK_OWNER, &dfd, &names, &n, NULL) < 0)
		return 1;
	r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_close_ int fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_free_ char *text = NULL;
		char **none = NULL;
		struct stat st;

		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || read_all(fd, &text) < 0)
			r = 1;
		else
			r = jail_config_text_mentions(text, true, user, groups, n_groups, &none) !=
			    0;
		jail_strv_free(none);
	}
	free_names(names, n);
	return r;
}

/*
 * Every absolute path in a text libconfuse cannot read (at most `max`), as
 * places where drop-ins may be: guess_include_dirs() finds the value of an
 * include_dir whose keyword is intact, this one also that of a damaged
 * keyword ("inclXde_dir = "/etc/security/pam_jail.d"").
 */
static int all_abs_paths(const char *text, char ***dirs, size_t *n, size_t max)
{
	for (const char *q = text; *q && *n < max; q++) {
		const char *e = q;

		if (*q != '/' || (q > text && !strchr(" \t\r\n\"'=,(", q[-1])))
			continue;
		if (q > text && (q[-1] == '"' || q[-1] == '\'')) {
			while (*e && *e != q[-1] && *e != '\n')
				e += (*e == '\\' && e[1]) ? 2 : 1;
		} else
			while (*e && !strchr(" \t\r\n\"'#{}(),=+", *e))
				e++;
		if (e - q > 1 && add_dir(dirs, n, q, (size_t)(e - q)) < 0)
			return -ENOMEM;
		q = e - 1;
	}
	return 0;
}

/* 1 if a trusted drop-in directory `dir` has a drop-in that mentions the user;
 * a directory we cannot trust or read counts as none (it is only a guess) */
static int guessed_dropins_mention(const char *dir, const char *user, char *const *groups,
				   size_t n_groups)
{
	_cleanup_close_ int dfd = -EBADF;
	char **names = NULL;
	size_t n = 0;
	int r = 0;

	if (list_dropins(dir, JAIL_CONFIG_CHECK_OWNER, &dfd, &names, &n, NULL) < 0)
		return 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_close_ int fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_free_ char *text = NULL;
		char **none = NULL;
		struct stat st;

		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    read_all(fd, &text) == 0)
			r = jail_config_text_mentions(text, true, user, groups, n_groups, &none) !=
			    0;
		jail_strv_free(none);
	}
	free_names(names, n);
	return r;
}

/*
 * For a main file libconfuse cannot read: the drop-ins of every directory its
 * text names, and of DIR/pam_jail.d beside it (the documented place), so that
 * damage to the include_dir keyword cannot hide the users its drop-ins name.
 */
static int guessed_dirs_mention(const char *path, const char *text, char *const *known,
				const char *user, char *const *groups, size_t n_groups)
{
	char **dirs = NULL;
	size_t n = 0;
	int r = 0;
	cfg_t *cfg = read_tokens(text, false);

	if (cfg) {
		cfg_free(cfg); /* it reads: its include_dir was exact */
		return 0;
	}
	{
		const char *slash = strrchr(path, '/');
		char conventional[PATH_MAX];

		if (slash &&
		    snprintf(conventional, sizeof(conventional), "%.*s/pam_jail.d",
			     (int)(slash - path), path) < (int)sizeof(conventional) &&
		    add_dir(&dirs, &n, conventional, strlen(conventional)) < 0)
			return 1;
	}
	if (all_abs_paths(text, &dirs, &n, 64) < 0) {
		jail_strv_free(dirs);
		return 1;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		bool seen = false;

		for (size_t j = 0; known && known[j] && !seen; j++)
			seen = strcmp(known[j], dirs[i]) == 0;
		if (!seen)
			r = guessed_dropins_mention(dirs[i], user, groups, n_groups);
	}
	jail_strv_free(dirs);
	return r;
}

int jail_config_mentions(const char *path, const char *user, char *const *groups, size_t n_groups)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *buf = NULL;
	char **dirs = NULL;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 1;
	if (read_all(fd, &buf) < 0 || !buf)
		return 1;
	r = jail_config_text_mentions(buf, false, user, groups, n_groups, &dirs);
	if (r != 0)
		return 1;
	/* the drop-ins may name the user too; an unreadable one might */
	for (size_t i = 0; dirs && dirs[i] && r == 0; i++)
		r = dropins_mention(dirs[i], user, groups, n_groups);
	if (r == 0)
		r = guessed_dirs_mention(path, buf, dirs, user, groups, n_groups);
	jail_strv_free(dirs);
	return r;
}
