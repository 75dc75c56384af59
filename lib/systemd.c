/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The jail's place on a systemd host, asked of systemd over D-Bus (sd-bus)
 * instead of written to cgroupfs: systemd owns the cgroup tree there
 * ("single-writer rule", systemd's CGROUP_DELEGATION.md).  See
 * docs/DESIGN.md, "cgroups on systemd hosts".
 *
 * Linked into pam_jail.so only: the setuid jailsh never loads libsystemd.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>
#include "jail/systemd.h"

#define JOB_TIMEOUT_USEC (20ULL * 1000 * 1000)
/* jail-init waits for the user's mutex 3 s at most after SIGTERM */
#define JAIL_SCOPE_STOP_USEC (10ULL * 1000 * 1000)

struct job_wait {
	const char *path; /* our job's object path */
	char result[32];  /* "done", "failed", ... once it was removed */
	bool removed;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	const char *path = NULL, *unit = NULL, *result = NULL;
	uint32_t id;

	(void)ret_error;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0 || !w->path ||
	    strcmp(path, w->path) != 0)
		return 0;
	snprintf(w->result, sizeof(w->result), "%s", result);
	w->removed = true;
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static int bus_fail(struct jail_error *err, int r, const sd_bus_error *e, const char *what)
{
	if (r >= 0)
		r = -EIO;
	if (e && sd_bus_error_is_set(e))
		return jail_err(err, r, "%s: %s", what, e->message ? e->message : e->name);
	return jail_err(err, r, "%s: %s", what, strerror(-r));
}

static int start_scope(sd_bus *bus, const char *scope, const char *slice, const char *user,
		       uid_t uid, pid_t pid, unsigned linger_s, struct jail_error *err)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct job_wait w = { 0 };
	char desc[160], runtime_dir[64];
	const char *job;
	uint64_t deadline;
	int r;

	/* before the call, so that the job's end cannot be missed */
	r = sd_bus_match_signal(bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				"org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed,
				&w);
	if (r < 0)
		return bus_fail(err, r, NULL, "cannot watch systemd's jobs");
	snprintf(desc, sizeof(desc), "pam_jail: the jail of %s", user);
	snprintf(runtime_dir, sizeof(runtime_dir), "user-runtime-dir@%u.service", (unsigned)uid);
	r = sd_bus_message_new_method_call(
		bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
		"org.freedesktop.systemd1.Manager", "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", scope, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s",
					  slice, "PIDs", "au", 1, (uint32_t)pid);
	/* Stopped with the user's runtime directory, which logind stops on
	 * `loginctl terminate-user` and when the user's last session ended
	 * (PartOf: stop only, it never starts it).  Not a jail that lingers:
	 * it outlives the last session on purpose, and its init ends it
	 * (docs/DESIGN.md, "Linger"). */
	if (r >= 0 && !linger_s)
		r = sd_bus_message_append(m, "(sv)", "PartOf", "as", 1, runtime_dir);
	/* The scope holds the init only.  When systemd stops it (loginctl
	 * terminate-user, the user's last session gone, shutdown, systemctl
	 * stop) the jail ends at once: SIGTERM makes the init remove the
	 * jail's state and exit (helper/jail-init.c), and its death ends the
	 * PID namespace.  SIGKILL, which left the state behind (Debian 12:
	 * logind stops user-runtime-dir@ sooner than the reaper's round), only
	 * after JAIL_SCOPE_STOP_USEC.  Gone from systemd's memory as soon as
	 * it stopped, failed or not. */
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)", "KillSignal", "i", (int32_t)SIGTERM,
					  "TimeoutStopUSec", "t", (uint64_t)JAIL_SCOPE_STOP_USEC,
					  "CollectMode", "s", "inactive-or-failed");
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0) {
		sd_bus_message_unref(m);
		return bus_fail(err, r, NULL, "cannot build the StartTransientUnit call");
	}
	r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, &reply);
	sd_bus_message_unref(m);
	if (r < 0) {
		r = bus_fail(err, r, &e, "systemd refused the jail's scope");
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_read(reply, "o", &job);
	if (r < 0) {
		sd_bus_message_unref(reply);
		return bus_fail(err, r, NULL, "cannot read StartTransientUnit's reply");
	}
	w.path = job;
	deadline = now_usec() + JOB_TIMEOUT_USEC;
	while (!w.removed) {
		uint64_t now = now_usec();

		r = sd_bus_process(bus, NULL);
		if (r < 0)
			break;
		if (r > 0)
			continue;
		if (now >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		r = sd_bus_wait(bus, deadline - now);
		if (r < 0 && r != -EINTR)
			break;
	}
	sd_bus_message_unref(reply);
	if (!w.removed)
		return bus_fail(err, r, NULL, "systemd did not start the jail's scope");
	if (strcmp(w.result, "done") != 0)
		return jail_err(err, -EIO, "systemd could not start the jail's scope %s: job %s",
				scope, w.result);
	return 0;
}

static int set_slice_limits(sd_bus *bus, const char *slice, const struct jail_limits *l,
			    struct jail_error *err)
{
	sd_bus_message *m = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
					   "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager", "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", slice, 1); /* runtime: until the next boot */
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	/* only what the template limits: a limit the admin set for the slice
	 * (logind's UserTasksMax, user-.slice.d/) stays otherwise */
	if (r >= 0 && l->memory > 0)
		r = sd_bus_message_append(m, "(sv)(sv)", "MemoryMax", "t", (uint64_t)l->memory,
					  "MemorySwapMax", "t",
					  (uint64_t)0); /* swap would dodge the limit */
	if (r >= 0 && l->pids > 0)
		r = sd_bus_message_append(m, "(sv)", "TasksMax", "t", (uint64_t)l->pids);
	if (r >= 0 && l->cpu_percent > 0)
		r = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t",
					  (uint64_t)l->cpu_percent * 10000ULL);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0) {
		sd_bus_message_unref(m);
		return bus_fail(err, r, NULL, "cannot build the SetUnitProperties call");
	}
	r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, NULL);
	sd_bus_message_unref(m);
	if (r < 0) {
		char what[96];

		snprintf(what, sizeof(what), "systemd refused the limits of %s", slice);
		r = bus_fail(err, r, &e, what);
		sd_bus_error_free(&e);
	}
	return r;
}

int jail_systemd_place_init(const char *user, uid_t uid, pid_t pid, const struct jail_limits *l,
			    unsigned linger_s, char *ret_scope, size_t scope_size,
			    struct jail_error *err)
{
	sd_bus *bus = NULL;
	char scope[JAIL_UNIT_NAME_MAX + 1], slice[64];
	int r;

	if (jail_scope_name(user, uid, pid, scope, sizeof(scope)) < 0 ||
	    jail_user_slice_name(uid, slice, sizeof(slice)) < 0)
		return jail_err(err, -ENAMETOOLONG, "no unit name for the jail of '%s'", user);
	r = sd_bus_open_system(&bus);
	if (r < 0)
		return bus_fail(err, r, NULL, "cannot connect to systemd's system bus");
	r = start_scope(bus, scope, slice, user, uid, pid, linger_s, err);
	if (r == 0 && l && jail_limits_any(l))
		r = set_slice_limits(bus, slice, l, err);
	sd_bus_flush_close_unref(bus);
	if (r == 0 && ret_scope)
		snprintf(ret_scope, scope_size, "%s", scope);
	return r;
}
