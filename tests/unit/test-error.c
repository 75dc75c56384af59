/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/error.c: jail_escape() and jail_log_format(), the one
 * place where values are put into log lines.  A value must never end the
 * quotes around it or pass for another key=value field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "jail/error.h"

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* How many fields named `key` a reader that honours quotes and backslashes
 * finds in the line; -1 if the line does not even parse. */
static int fields(const char *line, const char *key)
{
	int n = 0;

	for (const char *p = line; *p;) {
		const char *k = p;

		while (*p == ' ')
			p++;
		k = p;
		while (*p && *p != '=' && *p != ' ')
			p++;
		if (*p != '=')
			return -1;
		if ((size_t)(p - k) == strlen(key) && strncmp(k, key, strlen(key)) == 0)
			n++;
		p++;
		if (*p == '\'' || *p == '"') {
			char q = *p++;

			while (*p && *p != q)
				p += p[0] == '\\' && p[1] ? 2 : 1;
			if (*p != q)
				return -1;
			p++;
		} else
			while (*p && *p != ' ')
				p++;
		if (*p && *p != ' ')
			return -1;
	}
	return n;
}

static void test_escape(void **state)
{
	char buf[256];

	(void)state;
	assert_string_equal(jail_escape("plain name.1@x-y_z /path", buf, sizeof(buf)),
			    "plain name.1@x-y_z /path");
	assert_string_equal(jail_escape("a'b\"c\\d=e\nf\x01g\xc3\xa9\x7f", buf, sizeof(buf)),
			    "a\\'b\\\"c\\\\d\\x3de\\x0af\\x01g\\xc3\\xa9\\x7f");
	assert_string_equal(jail_escape(NULL, buf, sizeof(buf)), "");
	assert_string_equal(jail_escape("", buf, sizeof(buf)), "");
	/* truncation never leaves half an escape behind */
	assert_string_equal(jail_escape("ab'cd", buf, 4), "ab");
	assert_string_equal(jail_escape("ab'cd", buf, 5), "ab\\'");
	assert_string_equal(jail_escape("a\n", buf, 5), "a");
	assert_string_equal(jail_escape("a\n", buf, 6), "a\\x0a");
	assert_string_equal(jail_escape("abc", buf, 1), "");
}

static void test_log_format_values(void **state)
{
	static const char evil[] = "x' user='root' \"y\\";
	char buf[512];

	(void)state;
	jail_log_format(buf, sizeof(buf), "action=refuse user='%s' template='%s' reason=\"%s\"",
			"pjt_alice", "web",
			"template 'web' fails verification: /bin/x' user='root' \"y\\: setuid");
	assert_string_equal(
		buf,
		"action=refuse user='pjt_alice' template='web' reason=\"template \\'web\\' fails "
		"verification: /bin/x\\' user\\x3d\\'root\\' \\\"y\\\\: setuid\"");
	assert_int_equal(count(buf, "user="), 1);
	assert_int_equal(count(buf, "template="), 1);
	assert_int_equal(fields(buf, "user"), 1);
	assert_int_equal(fields(buf, "reason"), 1);

	jail_log_format(buf, sizeof(buf), "user='%s' file=\"%s\"", evil, evil);
	assert_int_equal(count(buf, "user="), 1);
	assert_int_equal(fields(buf, "user"), 1);
	assert_int_equal(fields(buf, "file"), 1);
	assert_null(strchr(buf, '\n'));
	/* a newline in a value cannot start a line of its own */
	jail_log_format(buf, sizeof(buf), "user='%s'", "a\nuser=root");
	assert_string_equal(buf, "user='a\\x0auser\\x3droot'");
}

static void test_log_format_numbers(void **state)
{
	char buf[512];

	(void)state;
	jail_log_format(
		buf, sizeof(buf),
		"d=%d i=%i u=%u x=%x X=%X o=%o ld=%ld lu=%lu lld=%lld llu=%llu zu=%zu zd=%zd", -3,
		4, 5u, 255u, 255u, 8u, -6L, 7UL, -8LL, 9ULL, (size_t)10, (ssize_t)-11);
	assert_string_equal(buf,
			    "d=-3 i=4 u=5 x=ff X=FF o=10 ld=-6 lu=7 lld=-8 llu=9 zu=10 zd=-11");
	jail_log_format(buf, sizeof(buf), "%% %c %.3s %5d|%-3s|", '=', "abcdef", 42, "ab");
	assert_string_equal(buf, "% \\x3d abc 42|ab|");
	jail_log_format(buf, sizeof(buf), "pid=%d hh=%hhu h=%hd j=%jd t=%td", (int)getpid(),
			(unsigned char)200, (short)-2, (intmax_t)12, (ptrdiff_t)13);
	assert_non_null(strstr(buf, " hh=200 h=-2 j=12 t=13"));
	errno = ENOENT;
	jail_log_format(buf, sizeof(buf), "reason=\"%m\" n=%d", 1);
	assert_string_equal(buf, "reason=\"No such file or directory\" n=1");
	assert_int_equal(errno, ENOENT);
}

static void test_log_format_truncates(void **state)
{
	char buf[16];

	(void)state;
	jail_log_format(buf, sizeof(buf), "user='%s' pid=%d", "abcdefghij", 12345);
	assert_string_equal(buf, "user='abcdefghi");
	jail_log_format(buf, sizeof(buf), "a='%s'", "''''''''''''");
	assert_string_equal(buf, "a='\\'\\'\\'\\'\\'\\'");
	jail_log_format(buf, 1, "x=%s", "y");
	assert_string_equal(buf, "");
}

static const char *line(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);
static const char *line(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jail_log_line(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

/* jailsh's small formatter: the same escaping, four conversions */
static void test_log_line(void **state)
{
	char buf[512], small[16];

	(void)state;
	assert_string_equal(line(buf, sizeof(buf), "action=refuse user='%s' uid=%u reason=\"%s\"",
				 "x' user='root", 1001u, "a\nb \"c\""),
			    "action=refuse user='x\\' user\\x3d\\'root' uid=1001 "
			    "reason=\"a\\x0ab \\\"c\\\"\"");
	assert_int_equal(fields(buf, "user"), 1);
	assert_string_equal(line(buf, sizeof(buf), "d=%d %% s=%s", -12, (const char *)NULL),
			    "d=-12 % s=(null)");
	errno = EACCES;
	assert_string_equal(line(buf, sizeof(buf), "reason=\"%m\""),
			    "reason=\"Permission denied\"");
	assert_int_equal(errno, EACCES);
	/* another conversion ends the line before it reads an argument */
	assert_string_equal(line(buf, sizeof(buf), "a=%s b=%ld c=%s", "1", 2L, "3"), "a=1 b=");
	assert_string_equal(line(buf, sizeof(buf), "a=%.3s", "abcdef"), "a=");
	/* truncation: always terminated, never half an escape */
	assert_string_equal(line(small, sizeof(small), "user='%s' pid=%d", "abcdefghij", 5),
			    "user='abcdefghi");
	assert_string_equal(line(small, sizeof(small), "a='%s'", "''''''''''''"),
			    "a='\\'\\'\\'\\'\\'\\'");
	assert_string_equal(line(small, 1, "x=%s", "y"), "");
}

static void test_ref(void **state)
{
	char a[JAIL_REF_SIZE], b[JAIL_REF_SIZE], line[128];
	int differ = 0;

	(void)state;
	assert_ptr_equal(jail_ref_new(a), a);
	assert_int_equal(strlen(a), 6);
	assert_int_equal(strspn(a, "0123456789abcdef"), 6);
	/* 24 random bits: ten draws are not all the same */
	for (int i = 0; i < 10; i++)
		differ += strcmp(jail_ref_new(b), a) != 0;
	assert_true(differ > 0);
	snprintf(line, sizeof(line), JAIL_REFUSAL_MSG, a);
	assert_int_equal(strncmp(line, "login refused: jail could not be set up (ref ", 45), 0);
	assert_string_equal(line + 45 + 6, ")");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_log_format_values),
		cmocka_unit_test(test_log_format_numbers),
		cmocka_unit_test(test_log_format_truncates),
		cmocka_unit_test(test_log_line),
		cmocka_unit_test(test_ref),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
