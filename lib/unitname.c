/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit names and systemd detection, without libsystemd (jailsh links this
 * too).  The escaping follows systemd's unit_name_escape() (src/basic/
 * unit-name.c), which systemd-escape(1) prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "jail/path.h"
#include "jail/systemd.h"

bool jail_systemd_booted_at(const char *root)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/run/systemd/system", strcmp(root, "/") == 0 ? "" : root);
	return access(path, F_OK) == 0;
}

bool jail_systemd_booted(void)
{
	return jail_systemd_booted_at("/");
}

static bool unit_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '_' || c == '.';
}

int jail_unit_escape(const char *s, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool plain = c == '/' || (unit_char_ok((char)c) && !(p == s && c == '.'));

		if (n + (plain ? 1 : 4) >= size)
			return -ENAMETOOLONG;
		if (c == '/')
			buf[n++] = '-';
		else if (plain)
			buf[n++] = (char)c;
		else {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	buf[n] = '\0';
	return (int)n;
}

int jail_scope_name(const char *user, uid_t uid, pid_t pid, char *buf, size_t size)
{
	char esc[JAIL_UNIT_NAME_MAX + 1];
	int n = -ENAMETOOLONG;

	if (user && jail_unit_escape(user, esc, sizeof(esc)) >= 0)
		n = snprintf(buf, size, "pam-jail-%s-%d.scope", esc, (int)pid);
	if (n < 0 || (size_t)n >= size || n > JAIL_UNIT_NAME_MAX)
		n = snprintf(buf, size, "pam-jail-uid%u-%d.scope", (unsigned)uid, (int)pid);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int jail_user_slice_name(uid_t uid, char *buf, size_t size)
{
	int n = snprintf(buf, size, "user-%u.slice", (unsigned)uid);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int jail_cgroup_slice_entry(const char *proc_cgroup, const char *slice, char *buf, size_t size)
{
	size_t len = strlen(slice);

	for (const char *line = proc_cgroup; line && *line;) {
		const char *end = strchrnul(line, '\n'),
			   *ctrls = memchr(line, ':', (size_t)(end - line)), *path;

		if (ctrls) {
			path = memchr(ctrls + 1, ':', (size_t)(end - ctrls - 1));
			/* "0::/..." (unified) or "N:name=systemd:/..." (legacy, hybrid) */
			if (path &&
			    ((path == ctrls + 1) ||
			     ((size_t)(path - ctrls - 1) == strlen("name=systemd") &&
			      strncmp(ctrls + 1, "name=systemd", strlen("name=systemd")) == 0))) {
				for (const char *c = path + 1; c < end; c++)
					if (*c == '/' && (size_t)(end - c - 1) >= len &&
					    strncmp(c + 1, slice, len) == 0 &&
					    (c + 1 + len == end || c[1 + len] == '/')) {
						int n = snprintf(buf, size, "%.*s:%.*s",
								 (int)(path - ctrls - 1), ctrls + 1,
								 (int)(c + 1 + len - path - 1),
								 path + 1);

						return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG
										    : 0;
					}
			}
		}
		line = *end ? end + 1 : end;
	}
	return -ESRCH;
}

bool jail_cgroup_text_in_slice(const char *proc_cgroup, const char *slice)
{
	char entry[4096];

	return jail_cgroup_slice_entry(proc_cgroup, slice, entry, sizeof(entry)) == 0;
}

bool jail_self_in_slice(const char *slice)
{
	char buf[4096];

	return jail_read_text("/proc/self/cgroup", buf, sizeof(buf)) == 0 &&
	       jail_cgroup_text_in_slice(buf, slice);
}
