/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One cgroup per jail, in our own sub-tree ("pam_jail") of each hierarchy;
 * cgroups and processes we did not create are never moved, limited or
 * removed (the only exception: on pure v2 hosts a controller we need is
 * enabled in the root's cgroup.subtree_control, which is how v2 hands
 * controllers to children at all).
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "jail/cgroup.h"
#include "jail/path.h"
#include "jail/systemd.h"

static const char *const v1_dir[_JAIL_CG_MAX] = { "memory", "pids", "cpu" };
static const char *const v2_name[_JAIL_CG_MAX] = { "memory", "pids", "cpu" };
/* a file every v1 hierarchy of that controller has at its root */
static const char *const v1_probe[_JAIL_CG_MAX] = { "memory.limit_in_bytes", "tasks",
						    "cpu.cfs_quota_us" };

static int write_str(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t n = strlen(s);

	if (fd < 0)
		return negative_errno();
	if (write(fd, s, n) != (ssize_t)n)
		return negative_errno();
	return 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return true;
	return false;
}

void jail_cgroup_detect(const char *root, struct jail_cgroup_host *ret)
{
	struct statfs sfs;
	char path[PATH_MAX], buf[512];

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->root, sizeof(ret->root), "%s", root);
	if (statfs(root, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		ret->v2 = true;
		snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
		if (jail_read_text(path, buf, sizeof(buf)) == 0)
			for (int c = 0; c < _JAIL_CG_MAX; c++)
				ret->have[c] = has_word(buf, v2_name[c]);
		return;
	}
	for (int c = 0; c < _JAIL_CG_MAX; c++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", root, v1_dir[c]);
		if (statfs(path, &sfs) < 0 || sfs.f_type != CGROUP_SUPER_MAGIC)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", root, v1_dir[c], v1_probe[c]);
		ret->have[c] = stat(path, &st) == 0;
	}
}

bool jail_limits_any(const struct jail_limits *l)
{
	return l->memory > 0 || l->pids > 0 || l->cpu_percent > 0;
}

static bool wanted(const struct jail_limits *l, int c)
{
	switch (c) {
	case JAIL_CG_MEMORY:
		return l->memory > 0;
	case JAIL_CG_PIDS:
		return l->pids > 0;
	case JAIL_CG_CPU:
		return l->cpu_percent > 0;
	default:
		return false;
	}
}

int jail_limits_unsupported(const struct jail_limits *l, const struct jail_cgroup_host *host,
			    char *buf, size_t size)
{
	int n = 0;

	if (size)
		buf[0] = '\0';
	for (int c = 0; c < _JAIL_CG_MAX; c++)
		if (wanted(l, c) && !host->have[c]) {
			size_t len = strlen(buf);

			snprintf(buf + len, size - len, "%s%s", n ? ", " : "", v2_name[c]);
			n++;
		}
	return n;
}

/* directory of our cgroup `name` for controller c ("" name: our sub-tree) */
static int cg_path(const struct jail_cgroup_host *host, int c, const char *name, const char *file,
		   char *buf, size_t size)
{
	int n;

	if (host->v2)
		n = snprintf(buf, size, "%s/%s%s%s%s%s", host->root, JAIL_CGROUP_DIR,
			     *name ? "/" : "", name, file ? "/" : "", file ? file : "");
	else
		n = snprintf(buf, size, "%s/%s/%s%s%s%s%s", host->root, v1_dir[c], JAIL_CGROUP_DIR,
			     *name ? "/" : "", name, file ? "/" : "", file ? file : "");
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

static int write_limit(const struct jail_cgroup_host *host, int c, const char *name,
		       const struct jail_limits *l)
{
	char path[PATH_MAX], val[64];
	int r;

	switch (c) {
	case JAIL_CG_MEMORY:
		snprintf(val, sizeof(val), "%llu", l->memory);
		r = cg_path(host, c, name, host->v2 ? "memory.max" : "memory.limit_in_bytes", path,
			    sizeof(path));
		if (r == 0)
			r = write_str(path, val);
		if (r == 0 && host->v2 &&
		    cg_path(host, c, name, "memory.swap.max", path, sizeof(path)) == 0)
			(void)write_str(path, "0"); /* swap would dodge the limit */
		return r;
	case JAIL_CG_PIDS:
		snprintf(val, sizeof(val), "%ld", l->pids);
		r = cg_path(host, c, name, "pids.max", path, sizeof(path));
		return r < 0 ? r : write_str(path, val);
	case JAIL_CG_CPU:
		if (host->v2) {
			snprintf(val, sizeof(val), "%u 100000", l->cpu_percent * 1000);
			r = cg_path(host, c, name, "cpu.max", path, sizeof(path));
			return r < 0 ? r : write_str(path, val);
		}
		r = cg_path(host, c, name, "cpu.cfs_period_us", path, sizeof(path));
		if (r == 0)
			r = write_str(path, "100000");
		snprintf(val, sizeof(val), "%u", l->cpu_percent * 1000);
		if (r == 0)
			r = cg_path(host, c, name, "cpu.cfs_quota_us", path, sizeof(path));
		return r < 0 ? r : write_str(path, val);
	default:
		return -EINVAL;
	}
}

static int v2_enable(const struct jail_cgroup_host *host, const struct jail_limits *l)
{
	char path[PATH_MAX], have[512], cmd[8];

	for (int level = 0; level < 2; level++) {
		snprintf(path, sizeof(path), "%s%s/cgroup.subtree_control", host->root,
			 level ? "/" JAIL_CGROUP_DIR : "");
		if (jail_read_text(path, have, sizeof(have)) < 0)
			return negative_errno();
		for (int c = 0; c < _JAIL_CG_MAX; c++)
			if (wanted(l, c) && host->have[c] && !has_word(have, v2_name[c])) {
				int r;

				snprintf(cmd, sizeof(cmd), "+%s", v2_name[c]);
				r = write_str(path, cmd);
				if (r < 0)
					return r;
			}
	}
	return 0;
}

static int attach_one(const char *dir_file, pid_t pid)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", pid > 0 ? (int)pid : 0);
	return write_str(dir_file, val);
}

int jail_cgroup_setup(const struct jail_cgroup_host *host, const char *name,
		      const struct jail_limits *l, pid_t pid, struct jail_error *err)
{
	char path[PATH_MAX], missing[64];
	int r;

	if (!jail_limits_any(l))
		return 0;
	if (jail_limits_unsupported(l, host, missing, sizeof(missing)) > 0 && l->required)
		return jail_err(err, -EOPNOTSUPP, "the host cannot enforce the required limits: %s",
				missing);
	for (int c = 0; c < _JAIL_CG_MAX; c++) {
		if (!wanted(l, c) || !host->have[c])
			continue;
		if ((r = cg_path(host, c, "", NULL, path, sizeof(path))) < 0 ||
		    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
			r = jail_err(err, r < 0 ? r : negative_errno(),
				     "cannot create cgroup '%s': %m", path);
			goto fail;
		}
		if (host->v2 && (r = v2_enable(host, l)) < 0) {
			errno = -r;
			r = jail_err(err, r, "cannot enable cgroup controllers: %m");
			goto fail;
		}
		if ((r = cg_path(host, c, name, NULL, path, sizeof(path))) < 0 ||
		    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
			r = jail_err(err, r < 0 ? r : negative_errno(),
				     "cannot create cgroup '%s': %m", path);
			goto fail;
		}
		for (int w = host->v2 ? 0 : c; w < (host->v2 ? _JAIL_CG_MAX : c + 1); w++) {
			if (!wanted(l, w) || !host->have[w])
				continue;
			r = write_limit(host, w, name, l);
			if (r < 0) {
				errno = -r;
				r = jail_err(err, r, "cannot set the %s limit in '%s': %m",
					     v2_name[w], path);
				goto fail;
			}
		}
		if (host->v2)
			break; /* one directory carries every controller */
	}
	r = jail_cgroup_attach(host, name, pid, err);
	if (r < 0)
		goto fail;
	return 0;
fail:
	(void)jail_cgroup_remove(host, name);
	return r;
}

int jail_cgroup_attach(const struct jail_cgroup_host *host, const char *name, pid_t pid,
		       struct jail_error *err)
{
	char path[PATH_MAX];

	for (int c = 0; c < _JAIL_CG_MAX; c++) {
		struct stat st;
		int r;

		if (!host->have[c] || cg_path(host, c, name, NULL, path, sizeof(path)) < 0)
			continue;
		if (stat(path, &st) < 0)
			continue; /* no limit of this kind for this jail */
		if (cg_path(host, c, name, "cgroup.procs", path, sizeof(path)) < 0)
			continue;
		r = attach_one(path, pid);
		if (r < 0) {
			errno = -r;
			return jail_err(err, r, "cannot move process into cgroup '%s': %m", path);
		}
		if (host->v2)
			break;
	}
	return 0;
}

int jail_cgroup_remove(const struct jail_cgroup_host *host, const char *name)
{
	char path[PATH_MAX];
	int ret = 0;

	if (!name || !*name)
		return 0;
	for (int c = 0; c < _JAIL_CG_MAX; c++) {
		if (!host->have[c] || cg_path(host, c, name, NULL, path, sizeof(path)) < 0)
			continue;
		if (rmdir(path) < 0 && errno != ENOENT)
			ret = negative_errno();
		if (host->v2)
			break;
	}
	return ret;
}

int jail_cgroup_pids_exhausted(const struct jail_cgroup_host *host, const char *name)
{
	char path[PATH_MAX], cur[32], max[32];

	if (!host->have[JAIL_CG_PIDS] || !name || !*name)
		return 0;
	if (cg_path(host, JAIL_CG_PIDS, name, "pids.max", path, sizeof(path)) < 0 ||
	    jail_read_text(path, max, sizeof(max)) < 0 || strncmp(max, "max", 3) == 0)
		return 0;
	if (cg_path(host, JAIL_CG_PIDS, name, "pids.current", path, sizeof(path)) < 0 ||
	    jail_read_text(path, cur, sizeof(cur)) < 0)
		return 0;
	return strtoll(cur, NULL, 10) >= strtoll(max, NULL, 10);
}

int jail_cgroup_expected(const struct jail_limits *l, const char *name, uid_t uid, char *buf,
			 size_t size)
{
	struct jail_cgroup_host host;
	char text[4096], slice[64];
	size_t o = 0;

	if (size < 2)
		return -ENAMETOOLONG;
	snprintf(buf, size, "-");
	if (!jail_limits_any(l))
		return 0;
	if (jail_systemd_booted()) {
		/* pam_systemd put this login in the user's slice, which
		 * carries the limits; the caller has checked it is there */
		int r = jail_read_text("/proc/self/cgroup", text, sizeof(text));

		if (r < 0)
			return r;
		r = jail_user_slice_name(uid, slice, sizeof(slice));
		return r < 0 ? r : jail_cgroup_slice_entry(text, slice, buf, size);
	}
	jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
	for (int c = 0; c < _JAIL_CG_MAX; c++) {
		int n;

		if (!wanted(l, c) || !host.have[c])
			continue;
		/* a jail made before its template had limits has no cgroup:
		 * an entry no login is in, so jailsh refuses it */
		n = snprintf(buf + o, size - o, "%s%s:/%s/%s", o ? " " : "",
			     host.v2 ? "" : v1_dir[c], JAIL_CGROUP_DIR,
			     name && *name ? name : "(none)");
		if (n < 0 || (size_t)n >= size - o)
			return -ENAMETOOLONG;
		o += (size_t)n;
		if (host.v2)
			break; /* one line for every controller */
	}
	return 0;
}

int jail_parse_bytes(const char *s, unsigned long long *ret)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		if (v > ULLONG_MAX / 10)
			return -EINVAL;
		v = v * 10 + (unsigned)(*p++ - '0');
	}
	switch (*p) {
	case 'k': case 'K': mult = 1ULL << 10; p++; break;
	case 'm': case 'M': mult = 1ULL << 20; p++; break;
	case 'g': case 'G': mult = 1ULL << 30; p++; break;
	case 't': case 'T': mult = 1ULL << 40; p++; break;
	default: break;
	}
	if (*p || v == 0 || v > ULLONG_MAX / mult)
		return -EINVAL;
	*ret = v * mult;
	return 0;
}

int jail_parse_percent(const char *s, unsigned *ret)
{
	unsigned v = 0;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned)(*p++ - '0');
		if (v > 100000)
			return -EINVAL;
	}
	if (strcmp(p, "%") != 0 || v == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}
