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
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include "jail/cgroup.h"
#include "jail/config.h"
#include "jail/path.h"

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

static int fail_at(unsigned line, const char *fmt, ...) _printf_(2, 3);
static int fail_at(unsigned line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (ctx->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->failed = true;
	jail_err_at(ctx->err, -EINVAL, ctx->path, line, "%s", msg);
	return -1;
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
		return fail_at((unsigned)sec->line, "%s: '%s' must be a normal absolute path", opt->name, v ? v : "");
	if (strcmp(opt->name, "state_dir") == 0 && strcmp(v, "/") == 0)
		return fail_at((unsigned)sec->line, "%s: must not be '/'", opt->name);
	if (strpbrk(v, ",:\\"))
		return fail_at((unsigned)sec->line, "%s: '%s' must not contain ',', ':' or '\\'", opt->name, v);
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
	return fail_at((unsigned)sec->line, "%s: '%s' is not a size (like 64M, 1G or 10%%; not 0)", opt->name, v ? v : "");
}

static int validate_network(cfg_t *sec, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	remember_line(sec, opt);
	if (!v || (strcmp(v, "host") != 0 && strcmp(v, "none") != 0))
		return fail_at((unsigned)sec->line, "network: '%s' must be \"host\" or \"none\"", v ? v : "");
	return 0;
}

static int validate_limit(cfg_t *sec, cfg_opt_t *opt)
{
	remember_line(sec, opt);
	if (strcmp(opt->name, "pids") == 0) {
		long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);

		if (v < 1 || v > 4194304)
			return fail_at((unsigned)sec->line, "pids: %ld must be between 1 and 4194304", v);
		return 0;
	} else {
		const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
		unsigned long long b;
		unsigned pct;

		if (strcmp(opt->name, "memory") == 0 && jail_parse_bytes(v, &b) < 0)
			return fail_at((unsigned)sec->line, "memory: '%s' is not a size (like 512M or 2G)", v ? v : "");
		if (strcmp(opt->name, "cpu") == 0 && jail_parse_percent(v, &pct) < 0)
			return fail_at((unsigned)sec->line, "cpu: '%s' is not a share of one CPU (like 50%% or 200%%)",
				       v ? v : "");
	}
	return 0;
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
			if (strncmp(q, title, tl) == 0 && !isalnum((unsigned char)q[tl]) && q[tl] != '_' &&
			    q[tl] != '-' && q[tl] != '.' && q[tl] != '@')
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
				return fail_at(line, "'${...}' environment expansion is not allowed");
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
		return fail_at(open_lines[depth - 1], "section opened here is never closed (missing '}')");
	return 0;
}

void jail_config_free(struct jail_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->state_dir);
	for (size_t i = 0; i < c->n_templates; i++) {
		free(c->templates[i].name);
		free(c->templates[i].rootfs);
		free(c->templates[i].shell);
		free(c->templates[i].tmp_size);
	}
	free(c->templates);
	for (size_t i = 0; i < c->n_users; i++)
		free(c->users[i].name);
	free(c->users);
	for (size_t i = 0; i < c->n_groups; i++)
		free(c->groups[i].name);
	free(c->groups);
	free(c);
}

static char *xstrdup0(const char *s)
{
	return strdup(s ? s : "");
}

static int copy_rules(cfg_t *cfg, const char *kind, const char *buf, struct jail_config *c,
		      struct jail_rule **ret, size_t *ret_n)
{
	unsigned n = cfg_size(cfg, kind);
	struct jail_rule *rules;

	rules = calloc(n ? n : 1, sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	*ret = rules;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *s = cfg_getnsec(cfg, kind, i);
		const char *title = cfg_title(s);
		const char *tname = cfg_getstr(s, "template");
		unsigned hline = header_line(buf, kind, title);
		size_t t;

		rules[i].name = xstrdup0(title);
		rules[i].line = hline ? hline : (unsigned)s->line;
		*ret_n = i + 1;
		if (!rules[i].name)
			return -ENOMEM;
		if (!jail_name_valid(title))
			return fail_at(rules[i].line, "%s '%s': not a valid %s name", kind, title, kind);
		if (!tname)
			return fail_at(rules[i].line, "%s '%s': no template given", kind, title);
		for (t = 0; t < c->n_templates; t++)
			if (strcmp(c->templates[t].name, tname) == 0)
				break;
		if (t == c->n_templates) {
			unsigned l = line_of(kind, title, "template");

			return fail_at(l ? l : rules[i].line, "%s '%s': undefined template '%s'", kind, title, tname);
		}
		rules[i].template_index = t;
	}
	return 0;
}

static int check_rootfs(const struct jail_template *t, unsigned line)
{
	struct jail_error e = { 0 };
	int fd;

	fd = jail_open_trusted(t->rootfs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &e);
	if (fd < 0)
		return fail_at(line, "template '%s': rootfs must be a root-owned directory: %s", t->name, e.msg);
	safe_close(fd);
	return 0;
}

static int convert(cfg_t *cfg, const char *buf, unsigned flags, struct jail_config *c)
{
	unsigned n;

	c->state_dir = xstrdup0(cfg_getstr(cfg, "state_dir"));
	if (!c->state_dir)
		return -ENOMEM;

	n = cfg_size(cfg, "template");
	c->templates = calloc(n ? n : 1, sizeof(*c->templates));
	if (!c->templates)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *s = cfg_getnsec(cfg, "template", i);
		struct jail_template *t = &c->templates[i];
		unsigned hline = header_line(buf, "template", cfg_title(s));

		c->n_templates = i + 1;
		t->name = xstrdup0(cfg_title(s));
		t->rootfs = cfg_getstr(s, "rootfs") ? strdup(cfg_getstr(s, "rootfs")) : NULL;
		t->shell = xstrdup0(cfg_getstr(s, "shell"));
		t->tmp_size = xstrdup0(cfg_getstr(s, "tmp_size"));
		t->line = hline ? hline : (unsigned)s->line;
		t->network_none = strcmp(cfg_getstr(s, "network"), "none") == 0;
		t->seccomp = cfg_getbool(s, "seccomp");
		{
			cfg_t *l = cfg_getsec(s, "limits");

			if (l) {
				const char *mem = cfg_getstr(l, "memory"), *cpu = cfg_getstr(l, "cpu");

				if (mem && *mem)
					(void)jail_parse_bytes(mem, &t->limits.memory);
				if (cpu && *cpu)
					(void)jail_parse_percent(cpu, &t->limits.cpu_percent);
				t->limits.pids = cfg_getint(l, "pids");
				t->limits.required = cfg_getbool(l, "required");
			}
		}
		if (!t->name || !t->shell || !t->tmp_size)
			return -ENOMEM;
		if (!jail_name_valid(t->name))
			return fail_at(t->line, "template '%s': not a valid template name", t->name);
		if (!t->rootfs)
			return fail_at(t->line, "template '%s': no rootfs given", t->name);
		if (!(flags & JAIL_CONFIG_NO_FS_CHECKS)) {
			unsigned l = line_of("template", t->name, "rootfs");

			if (check_rootfs(t, l ? l : t->line) < 0)
				return -1;
		}
	}

	if (copy_rules(cfg, "user", buf, c, &c->users, &c->n_users) < 0)
		return -1;
	if (copy_rules(cfg, "group", buf, c, &c->groups, &c->n_groups) < 0)
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

int jail_config_load_fd(int fd, const char *path, unsigned flags, struct jail_config **ret, struct jail_error *err)
{
	cfg_opt_t limits_opts[] = {
		CFG_STR("memory", "", CFGF_NONE),
		CFG_INT("pids", 0, CFGF_NONE),
		CFG_STR("cpu", "", CFGF_NONE),
		CFG_BOOL("required", cfg_false, CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t template_opts[] = {
		CFG_STR("rootfs", NULL, CFGF_NODEFAULT),
		CFG_STR("shell", JAIL_DEFAULT_SHELL, CFGF_NONE),
		CFG_STR("tmp_size", JAIL_DEFAULT_TMP_SIZE, CFGF_NONE),
		CFG_STR("network", "host", CFGF_NONE),
		CFG_SEC("limits", limits_opts, CFGF_NONE),
		CFG_BOOL("seccomp", cfg_false, CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t rule_opts[] = {
		CFG_STR("template", NULL, CFGF_NODEFAULT),
		CFG_END(),
	};
	cfg_opt_t opts[] = {
		CFG_STR("state_dir", JAIL_DEFAULT_STATE_DIR, CFGF_NONE),
		CFG_SEC("template", template_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_SEC("user", rule_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_SEC("group", rule_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_END(),
	};
	struct parse_ctx pctx = { .path = path, .err = err };
	struct parse_ctx *saved = ctx;
	_cleanup_free_ char *buf = NULL;
	struct jail_config *c = NULL;
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
	cfg = cfg_init(opts, CFGF_NONE);
	if (!cfg) {
		r = jail_err_at(err, -ENOMEM, path, 0, "out of memory");
		goto out;
	}
	cfg_set_error_function(cfg, on_error);
	cfg_set_validate_func(cfg, "state_dir", validate_abs_path);
	cfg_set_validate_func(cfg, "template|rootfs", validate_abs_path);
	cfg_set_validate_func(cfg, "template|shell", validate_abs_path);
	cfg_set_validate_func(cfg, "template|tmp_size", validate_size);
	cfg_set_validate_func(cfg, "template|network", validate_network);
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

	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		r = jail_err_at(err, -ENOMEM, path, 0, "out of memory");
		goto out;
	}
	r = convert(cfg, buf, flags, c);
	if (r < 0 || pctx.failed) {
		if (!pctx.failed)
			jail_err_at(err, -ENOMEM, path, 0, "out of memory");
		r = pctx.failed ? -EINVAL : -ENOMEM;
		goto out;
	}
	*ret = TAKE_PTR(c);
	r = 0;
out:
	jail_config_free(c);
	if (cfg)
		cfg_free(cfg);
	free(pctx.lines);
	ctx = saved;
	return r;
}

int jail_config_load(const char *path, unsigned flags, struct jail_config **ret, struct jail_error *err)
{
	_cleanup_close_ int fd = -EBADF;

	if (flags & JAIL_CONFIG_CHECK_OWNER) {
		struct jail_error e = { 0 };

		fd = jail_open_trusted(path, O_RDONLY, JAIL_TRUST_REG | JAIL_TRUST_NOFOLLOW_FINAL, 0, &e);
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
					      const struct jail_rule **ret_rule, bool *ret_rule_is_group)
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

static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' || ch == '@';
}

static bool mentions(const char *buf, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || !buf)
		return false;
	for (const char *p = strstr(buf, name); p; p = strstr(p + 1, name)) {
		bool left = (p == buf) || !word_char(p[-1]);
		bool right = !word_char(p[n]);

		if (left && right)
			return true;
	}
	return false;
}

int jail_config_mentions(const char *path, const char *user, char *const *groups, size_t n_groups)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *buf = NULL;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 1;
	if (read_all(fd, &buf) < 0)
		return 1;
	{
		/* comments name nobody: "users" in a comment must not refuse group users */
		struct jail_error e;
		struct parse_ctx pctx = { .path = path, .err = &e };
		struct parse_ctx *saved = ctx;

		ctx = &pctx;
		(void)preprocess(buf);
		ctx = saved;
	}
	if (mentions(buf, user))
		return 1;
	for (size_t i = 0; i < n_groups; i++)
		if (groups[i] && mentions(buf, groups[i]))
			return 1;
	return 0;
}
