/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fail-closed property of jail_config_mentions(), shared by the libFuzzer
 * harness (tests/fuzz/fuzz-config.c: random mutations of every input) and the
 * unit tests (tests/unit/test-config.c: every single-byte mutation of a few
 * configs):
 *
 *   For a config that loads, and any one-byte mutation of it that does not
 *   load, every user and group the valid config names is still mentioned
 *   by the mutated text, and its include_dir is still scanned -- unless the
 *   mutation is inside that very name (then it names somebody else) or
 *   inside the include_dir statement.  (jail_config_mentions() on files also
 *   reads the drop-ins of every absolute path of an unreadable text and of
 *   pam_jail.d beside it, which covers damage to the include_dir keyword;
 *   test-config.c's test_mentions_include_dir checks that part.)
 *
 * The spans of the names are found by a small tokenizer that is only ever
 * run on text that libconfuse has accepted, where it can be simple.
 */
#ifndef JAIL_TEST_CONFIG_MUTATIONS_H
#define JAIL_TEST_CONFIG_MUTATIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "jail/config.h"

#define MUT_MAX_SPANS 256
/* what the mutations insert or replace with: every character that changes
 * how libconfuse or the comment blanking splits the text, and one that
 * does not */
static const char mut_alphabet[] = "#\"'{}\\/*=\n ,x(";

struct mut_span {
	size_t a, b; /* [a, b) */
};

struct mut_valid {
	const char *text;
	size_t len;
	struct mut_span spans[MUT_MAX_SPANS];
	size_t n_spans;
	char **users, **groups; /* what the valid config names */
	size_t n_users, n_groups;
	char *include_dir;
};

static int mut_load(const char *text, size_t len, struct jail_config **ret)
{
	struct jail_error e = { 0 };
	int fd = memfd_create("mut.conf", MFD_CLOEXEC), r;

	*ret = NULL;
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	r = jail_config_load_fd(fd, "mut.conf", JAIL_CONFIG_NO_FS_CHECKS, ret, &e);
	close(fd);
	return r;
}

static bool mut_unquoted_char(char ch, char next)
{
	if (strchr(" #\"'\t\n\r={}()+,*", ch))
		return false;
	return !(ch == '/' && (next == '/' || next == '*'));
}

/* Spans of `user`/`group` titles and of `include_dir = VALUE` in text that
 * libconfuse accepted.  Returns false if the text has more than we track. */
static bool mut_find_spans(struct mut_valid *v)
{
	const char *t = v->text;
	size_t i = 0, len = v->len, depth = 0;
	/* the last three tokens at depth 0: kind 'w' (string) or the char */
	struct { char kind; size_t a, b; } tok[3] = { { 0 } };

	while (i < len) {
		size_t a = i;
		char kind;

		if (strchr(" \t\r\n", t[i])) {
			i++;
			continue;
		}
		if (t[i] == '#' || (t[i] == '/' && i + 1 < len && t[i + 1] == '/')) {
			while (i < len && t[i] != '\n')
				i++;
			continue;
		}
		if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
			for (i += 2; i + 1 < len && !(t[i] == '*' && t[i + 1] == '/'); i++)
				;
			i += 2;
			continue;
		}
		if (t[i] == '"' || t[i] == '\'') {
			char q = t[i++];

			while (i < len && t[i] != q)
				i += t[i] == '\\' ? 2 : 1;
			i++;
			kind = 'w';
		} else if (strchr("{}()=,", t[i])) {
			kind = t[i++];
		} else if (t[i] == '+' && i + 1 < len && t[i + 1] == '=') {
			i += 2;
			kind = '+';
		} else if (mut_unquoted_char(t[i], i + 1 < len ? t[i + 1] : 0)) {
			while (i < len && mut_unquoted_char(t[i], i + 1 < len ? t[i + 1] : 0))
				i++;
			kind = 'w';
		} else {
			i++; /* libconfuse eats what matches nothing */
			continue;
		}
		if (i > len)
			i = len;
		if (depth == 0) {
			tok[0] = tok[1];
			tok[1] = tok[2];
			tok[2].kind = kind;
			tok[2].a = a;
			tok[2].b = i;
			if (v->n_spans == MUT_MAX_SPANS)
				return false;
			/* KEY TITLE { */
			if (kind == '{' && tok[0].kind == 'w' && tok[1].kind == 'w' &&
			    ((tok[0].b - tok[0].a == 4 && strncmp(t + tok[0].a, "user", 4) == 0) ||
			     (tok[0].b - tok[0].a == 5 &&
			      strncmp(t + tok[0].a, "group", 5) == 0))) {
				bool quoted = t[tok[1].a] == '"' || t[tok[1].a] == '\'';

				/* an unquoted name also changes when a byte next to it
				 * goes ("user bob" -> "userbob") */
				v->spans[v->n_spans++] =
					quoted ? (struct mut_span){ tok[1].a, tok[1].b }
					       : (struct mut_span){ tok[1].a - 1, tok[1].b + 1 };
			}
			/* include_dir = VALUE: the whole statement; an unquoted
			 * VALUE also changes when the byte after it goes
			 * ("= /\"x" -> "= /x", found by make fuzz) */
			if (kind == 'w' && tok[1].kind == '=' && tok[0].kind == 'w' &&
			    tok[0].b - tok[0].a == 11 &&
			    strncmp(t + tok[0].a, "include_dir", 11) == 0) {
				bool quoted = t[tok[2].a] == '"' || t[tok[2].a] == '\'';

				v->spans[v->n_spans++] =
					(struct mut_span){ tok[0].a, quoted ? i : i + 1 };
			}
		}
		if (kind == '{')
			depth++;
		else if (kind == '}' && depth > 0)
			depth--;
	}
	return true;
}

static void mut_valid_free(struct mut_valid *v)
{
	for (size_t i = 0; i < v->n_users; i++)
		free(v->users[i]);
	for (size_t i = 0; i < v->n_groups; i++)
		free(v->groups[i]);
	free(v->users);
	free(v->groups);
	free(v->include_dir);
	*v = (struct mut_valid){ 0 };
}

/* false if the text does not load (nothing to check) */
static bool mut_valid_init(struct mut_valid *v, const char *text, size_t len)
{
	struct jail_config *c = NULL;

	*v = (struct mut_valid){ .text = text, .len = len };
	if (memchr(text, '\0', len) || mut_load(text, len, &c) < 0)
		return false;
	v->users = calloc(c->n_users + 1, sizeof(char *));
	v->groups = calloc(c->n_groups + 1, sizeof(char *));
	if (!v->users || !v->groups)
		abort();
	for (size_t i = 0; i < c->n_users; i++)
		v->users[v->n_users++] = strdup(c->users[i].name);
	for (size_t i = 0; i < c->n_groups; i++)
		v->groups[v->n_groups++] = strdup(c->groups[i].name);
	v->include_dir = c->include_dir ? strdup(c->include_dir) : NULL;
	jail_config_free(c);
	if (!mut_find_spans(v)) {
		mut_valid_free(v);
		return false;
	}
	return true;
}

enum { MUT_DELETE, MUT_REPLACE, MUT_INSERT };

static bool mut_touches_name(const struct mut_valid *v, int op, size_t p)
{
	for (size_t i = 0; i < v->n_spans; i++) {
		const struct mut_span *s = &v->spans[i];

		if (op == MUT_INSERT ? (p >= s->a && p <= s->b) : (p >= s->a && p < s->b))
			return true;
	}
	return false;
}

/*
 * Applies one mutation and checks the property.  Returns 0 if it holds (or
 * does not apply), -1 with a description in `why` if it is broken.
 */
static int mut_check(const struct mut_valid *v, int op, size_t p, char ch, char *why,
		     size_t why_size)
{
	size_t len = v->len + 1;
	char *m = malloc(len + 1), **dirs = NULL;
	struct jail_config *c = NULL;
	char *no_user = "\x01";
	int r = 0;

	if (!m)
		abort();
	if (p > v->len || (op != MUT_INSERT && p == v->len) || mut_touches_name(v, op, p)) {
		free(m);
		return 0;
	}
	memcpy(m, v->text, p);
	if (op == MUT_DELETE) {
		memcpy(m + p, v->text + p + 1, v->len - p - 1);
		len = v->len - 1;
	} else if (op == MUT_REPLACE) {
		memcpy(m + p + 1, v->text + p + 1, v->len - p - 1);
		m[p] = ch;
		len = v->len;
	} else {
		m[p] = ch;
		memcpy(m + p + 1, v->text + p, v->len - p);
	}
	m[len] = '\0';
	if (mut_load(m, len, &c) == 0) {
		jail_config_free(c); /* still loads: nothing to check */
		free(m);
		return 0;
	}
	for (size_t i = 0; i < v->n_users && r == 0; i++)
		if (jail_config_text_mentions(m, false, v->users[i], NULL, 0, &dirs) != 1) {
			snprintf(why, why_size, "user '%s' not mentioned", v->users[i]);
			r = -1;
		}
	for (size_t i = 0; i < v->n_groups && r == 0; i++)
		if (jail_config_text_mentions(m, false, no_user, &v->groups[i], 1, &dirs) != 1) {
			snprintf(why, why_size, "group '%s' not mentioned", v->groups[i]);
			r = -1;
		}
	jail_strv_free(dirs);
	dirs = NULL;
	if (r == 0 && v->include_dir &&
	    jail_config_text_mentions(m, false, no_user, NULL, 0, &dirs) == 0) {
		bool seen = false;

		for (size_t i = 0; dirs && dirs[i]; i++)
			seen |= strcmp(dirs[i], v->include_dir) == 0;
		if (!seen) {
			snprintf(why, why_size, "include_dir '%s' not scanned", v->include_dir);
			r = -1;
		}
	}
	jail_strv_free(dirs);
	if (r < 0) {
		size_t n = strlen(why);

		snprintf(why + n, why_size - n, " after %s of %#x at %zu in:\n%s",
			 op == MUT_DELETE    ? "deleting"
			 : op == MUT_REPLACE ? "a replacement"
					     : "an insertion",
			 (unsigned)(unsigned char)(op == MUT_DELETE ? v->text[p] : ch), p, m);
	}
	free(m);
	return r;
}

#endif
