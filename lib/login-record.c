/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The login record (include/jail/login-record.h): format and parse.  Pure;
 * the parser runs in the setuid jailsh, so it accepts exactly what the
 * formatter writes and nothing else.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jail/login-record.h"

static const char *const landlock_names[] = {
	[JAIL_LANDLOCK_AUTO] = "auto",
	[JAIL_LANDLOCK_REQUIRED] = "true",
	[JAIL_LANDLOCK_OFF] = "false",
};

/* a value is printable text: no newline that could forge a key, no other
 * control character */
static bool one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int jail_login_record_format(const struct jail_login_record *r, char *buf, size_t size)
{
	int n;

	if (!r->user[0] || !r->home[0] || !r->state_dir[0] || !r->template_name[0] ||
	    !r->shell[0] || !r->cgroup[0] || !one_line(r->user) || !one_line(r->home) ||
	    !one_line(r->state_dir) || !one_line(r->template_name) || !one_line(r->shell) ||
	    !one_line(r->cgroup) ||
	    (unsigned)r->landlock >= sizeof(landlock_names) / sizeof(*landlock_names))
		return -EINVAL;
	n = snprintf(buf, size,
		     JAIL_LOGIN_RECORD_MAGIC
		     "\nuser=%s\nuid=%u\nhome=%s\nmntns=%llu\nstate_dir=%s\ntemplate=%s\n"
		     "shell=%s\nseccomp=%d\nlandlock=%s\ncgroup=%s\n",
		     r->user, (unsigned)r->uid, r->home, r->mntns, r->state_dir, r->template_name,
		     r->shell, r->seccomp ? 1 : 0, landlock_names[r->landlock], r->cgroup);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return n;
}

static int copy(char *dst, size_t size, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n >= size || !one_line(v))
		return -EINVAL;
	memcpy(dst, v, n + 1);
	return 0;
}

static int number(const char *v, unsigned long long max, unsigned long long *ret)
{
	char *end;

	if (v[0] < '0' || v[0] > '9' || (v[0] == '0' && v[1]))
		return -EINVAL;
	errno = 0;
	*ret = strtoull(v, &end, 10);
	if (errno || *end || *ret > max)
		return -EINVAL;
	return 0;
}

int jail_login_record_parse(const char *text, struct jail_login_record *r)
{
	static const char *const keys[] = { "user",  "uid",     "home",     "mntns",
					    "state_dir", "template", "shell", "seccomp",
					    "landlock", "cgroup" };
	enum { N_KEYS = sizeof(keys) / sizeof(*keys) };
	const char *p = text, *nl;
	size_t k = 0;
	size_t ml = strlen(JAIL_LOGIN_RECORD_MAGIC);

	memset(r, 0, sizeof(*r));
	if (strncmp(p, JAIL_LOGIN_RECORD_MAGIC "\n", ml + 1) != 0)
		return -EINVAL;
	/* the keys in the formatter's order, each once: one spelling of a record */
	for (p += ml + 1; *p; p = nl + 1, k++) {
		char line[4200], *eq, *v;
		unsigned long long x = 0;
		size_t len;
		int bad = 0;

		nl = strchr(p, '\n');
		if (!nl)
			return -EINVAL; /* every line ends in a newline */
		len = (size_t)(nl - p);
		if (len >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, len);
		line[len] = '\0';
		eq = strchr(line, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		v = eq + 1;
		if (k == N_KEYS || strcmp(line, keys[k]) != 0)
			return -EINVAL;
		switch (k) {
		case 0:
			bad = copy(r->user, sizeof(r->user), v);
			break;
		case 1:
			bad = number(v, (uid_t)-2, &x);
			r->uid = (uid_t)x;
			break;
		case 2:
			bad = copy(r->home, sizeof(r->home), v) || v[0] != '/';
			break;
		case 3:
			bad = number(v, ULLONG_MAX, &x);
			r->mntns = x;
			break;
		case 4:
			bad = copy(r->state_dir, sizeof(r->state_dir), v) || v[0] != '/';
			break;
		case 5:
			bad = copy(r->template_name, sizeof(r->template_name), v);
			break;
		case 6:
			bad = copy(r->shell, sizeof(r->shell), v) || v[0] != '/';
			break;
		case 7:
			bad = number(v, 1, &x);
			r->seccomp = x == 1;
			break;
		case 8:
			bad = -EINVAL;
			for (size_t i = 0; i < sizeof(landlock_names) / sizeof(*landlock_names);
			     i++)
				if (landlock_names[i] && strcmp(v, landlock_names[i]) == 0) {
					r->landlock = (enum jail_landlock_mode)i;
					bad = 0;
				}
			break;
		case 9:
			bad = copy(r->cgroup, sizeof(r->cgroup), v);
			break;
		}
		if (bad)
			return -EINVAL;
	}
	return k == N_KEYS ? 0 : -EINVAL;
}

/* whether the controller list `ctrls` (n bytes, comma-separated) names
 * `want`; "" names only the empty list of the cgroup v2 line */
static bool names(const char *ctrls, size_t n, const char *want, size_t wn)
{
	if (wn == 0)
		return n == 0;
	for (const char *p = ctrls, *end = ctrls + n; p < end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t len = (size_t)((comma ? comma : end) - p);

		if (len == wn && memcmp(p, want, wn) == 0)
			return true;
		p += len + 1;
	}
	return false;
}

bool jail_login_record_cgroup_ok(const char *want, const char *proc_cgroup)
{
	if (strcmp(want, "-") == 0)
		return true;
	for (const char *e = want;; e++) {
		const char *sp = strchrnul(e, ' '), *colon = memchr(e, ':', (size_t)(sp - e));
		size_t plen = colon ? (size_t)(sp - colon - 1) : 0;
		bool found = false;

		if (!colon || plen == 0 || colon[1] != '/')
			return false;
		for (const char *l = proc_cgroup; *l && !found;) {
			/* "ID:CONTROLLERS:PATH" */
			const char *end = strchrnul(l, '\n'), *c1 = memchr(l, ':', (size_t)(end - l));
			const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

			found = c2 && names(c1 + 1, (size_t)(c2 - c1 - 1), e, (size_t)(colon - e)) &&
				(size_t)(end - c2 - 1) >= plen && memcmp(c2 + 1, colon + 1, plen) == 0 &&
				((size_t)(end - c2 - 1) == plen || c2[1 + plen] == '/');
			l = *end ? end + 1 : end;
		}
		if (!found)
			return false;
		e = sp;
		if (!*e)
			return true; /* an empty entry (none, or a stray space) is malformed */
	}
}
