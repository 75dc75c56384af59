/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The login record (include/jail/login-record.h): format and parse.  Pure;
 * the parser runs in the setuid jailsh, so it accepts exactly what the
 * formatter writes and nothing else.
 */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jail/login-record.h"
#include "jail/macro.h"

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
#define FIELD(f) offsetof(struct jail_login_record, f), sizeof(((struct jail_login_record *)0)->f)
	/* the keys in the formatter's order, each once: one spelling of a
	 * record.  kind: 's' text, '/' an absolute path, 'n' a number up to
	 * max, 'l' a landlock mode */
	static const struct {
		const char *key;
		size_t off, size;
		char kind;
		unsigned long long max;
	} keys[] = {
		{ "user", FIELD(user), 's', 0 },
		{ "uid", 0, 0, 'n', (uid_t)-2 },
		{ "home", FIELD(home), '/', 0 },
		{ "mntns", 0, 0, 'n', ULLONG_MAX },
		{ "state_dir", FIELD(state_dir), '/', 0 },
		{ "template", FIELD(template_name), 's', 0 },
		{ "shell", FIELD(shell), '/', 0 },
		{ "seccomp", 0, 0, 'n', 1 },
		{ "landlock", 0, 0, 'l', 0 },
		{ "cgroup", FIELD(cgroup), 's', 0 },
	};
#undef FIELD
	unsigned long long num[ELEMENTSOF(keys)] = { 0 };
	size_t ml = strlen(JAIL_LOGIN_RECORD_MAGIC);
	const char *p = text;

	memset(r, 0, sizeof(*r));
	if (strncmp(p, JAIL_LOGIN_RECORD_MAGIC "\n", ml + 1) != 0)
		return -EINVAL;
	p += ml + 1;
	for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
		size_t kl = strlen(keys[k].key), vl;
		const char *nl = strchr(p, '\n'); /* every line ends in a newline */
		char v[4200];
		int bad = -EINVAL;

		if (!nl || strncmp(p, keys[k].key, kl) != 0 || p[kl] != '=' ||
		    (vl = (size_t)(nl - p) - kl - 1) >= sizeof(v))
			return -EINVAL;
		memcpy(v, p + kl + 1, vl);
		v[vl] = '\0';
		p = nl + 1;
		if (keys[k].kind == 'n')
			bad = number(v, keys[k].max, &num[k]);
		else if (keys[k].kind == 'l') {
			for (size_t i = 0; i < ELEMENTSOF(landlock_names); i++)
				if (landlock_names[i] && strcmp(v, landlock_names[i]) == 0) {
					r->landlock = (enum jail_landlock_mode)i;
					bad = 0;
				}
		} else if (keys[k].kind == 's' || v[0] == '/')
			bad = copy((char *)r + keys[k].off, keys[k].size, v);
		if (bad)
			return -EINVAL;
	}
	r->uid = (uid_t)num[1];
	r->mntns = num[3];
	r->seccomp = num[7] == 1;
	return *p ? -EINVAL : 0; /* nothing after the last key */
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
			const char *end = strchrnul(l, '\n'),
				   *c1 = memchr(l, ':', (size_t)(end - l));
			const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
			size_t len = c2 ? (size_t)(end - c2 - 1) : 0; /* the path's */

			/* that controller, and the path at or under PATH */
			found = c2 &&
				names(c1 + 1, (size_t)(c2 - c1 - 1), e, (size_t)(colon - e)) &&
				len >= plen && memcmp(c2 + 1, colon + 1, plen) == 0 &&
				(len == plen || c2[1 + plen] == '/');
			l = *end ? end + 1 : end;
		}
		if (!found)
			return false;
		e = sp;
		if (!*e)
			return true; /* an empty entry (none, or a stray space) is malformed */
	}
}
