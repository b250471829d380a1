/*
 * test_scenario.c: the .scenario parser (scenario.h): every step kind into
 * its fields, the defaults, every error with its whole message (position,
 * line, caret, suggestion), the per-variant path rule and phase globs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "variant.h"

/* ------------------------------------------------------------ helpers */

/* SC must be all zero: what a failed parse leaves. */
static void assert_zeroed(const struct scenario *sc)
{
	assert_null(sc->path);
	assert_null(sc->title);
	assert_null(sc->description);
	assert_null(sc->variants);
	assert_int_equal(sc->nvariants, 0);
	assert_null(sc->steps);
	assert_int_equal(sc->nsteps, 0);
}

/* TEXT, parsed as "t.scenario", must fail with exactly EXPECTED. */
static void check_error_named(const char *name, const char *text, const char *expected)
{
	struct scenario sc;
	char err[2048];

	memset(&sc, 0x5a, sizeof(sc)); /* garbage in: the parser must not read it */
	strcpy(err, "untouched");
	int rc = scenario_parse_string(name, text, &sc, err, sizeof(err));
	if (rc != -1)
		fail_msg("parsing:\n%s\nreturned %d, expected -1", text, rc);
	if (strcmp(err, expected) != 0)
		fail_msg("parsing:\n%s\ngave:\n%s\nexpected:\n%s", text, err, expected);
	assert_zeroed(&sc);
	scenario_release(&sc); /* allowed, and a no-op */
}

static void check_error(const char *text, const char *expected)
{
	check_error_named("t.scenario", text, expected);
}

/* TEXT must parse; SC gets the result (release it). */
static void parse_ok(const char *text, struct scenario *sc)
{
	char err[2048];

	err[0] = '\0';
	if (scenario_parse_string("t.scenario", text, sc, err, sizeof(err)) != 0)
		fail_msg("parsing:\n%s\nfailed:\n%s", text, err);
}

/* Write LEN bytes of TEXT to a new temporary file; its name goes to PATH. */
static void write_temp(char *path, size_t pathlen, const void *text, size_t len)
{
	snprintf(path, pathlen, "/tmp/lvtrace-test-scenario-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

#define HEAD "title \"t\"\n"

/* ------------------------------------------------------------ valid files */

static const char every_step[] =
	"# Every step kind once.\n"				       /* 1 */
	"title \"Every step\"\n"				       /* 2 */
	"description \"All \\\"nineteen\\\" kinds, \\\\ and # inside\"\n" /* 3 */
	"variants on_mount assign   # column order as written\n"      /* 4 */
	"\n"							       /* 5 */
	"register agent@example.com \"correct horse battery\"\n"       /* 6 */
	"login \"agent@example.com\" secret-pass\n"		       /* 7 */
	"logout\n"						       /* 8 */
	"visit /mission?clue=2\n"				       /* 9 */
	"connect\n"						       /* 10 */
	"click reveal\n"					       /* 11 */
	"patch /mission?clue=3\n"				       /* 12 */
	"navigate /on_mount_archive/archive\n"			       /* 13 */
	"disconnect\n"						       /* 14 */
	"reconnect\n"						       /* 15 */
	"expire-token\n"					       /* 16 */
	"wait 250\n"						       /* 17 */
	"mark first-visit\n"					       /* 18 */
	"note \"conn.assigns # not a comment\"\n"		       /* 19 */
	"\texpect queries phase=mount:dead* source=users_tokens assign=3 on_mount=2 # c\n" /* 20 */
	"expect queries 0\n"					       /* 21 */
	"expect status 302\n"					       /* 22 */
	"expect redirect /users/log_in\n"			       /* 23 */
	"expect join unauthorized\n"				       /* 24 */
	"expect assign_new current_user from=parent_assigns view=CountdownLive connected\n" /* 25 */
	"expect assign_new current_user from=function\n"	       /* 26 */
	"expect assign_new current_user dead from=conn_assigns\n";    /* 27 */

static void test_every_step_kind(void **state)
{
	(void)state;
	struct scenario sc;
	const struct step *s;

	parse_ok(every_step, &sc);
	assert_string_equal(sc.path, "t.scenario");
	assert_string_equal(sc.title, "Every step");
	assert_string_equal(sc.description, "All \"nineteen\" kinds, \\ and # inside");
	assert_int_equal(sc.nvariants, 2);
	assert_string_equal(sc.variants[0], "on_mount");
	assert_string_equal(sc.variants[1], "assign");
	assert_int_equal(sc.nsteps, 22);

	static const enum step_kind kinds[] = {
		STEP_REGISTER,	      STEP_LOGIN,	     STEP_LOGOUT,	   STEP_VISIT,
		STEP_CONNECT,	      STEP_CLICK,	     STEP_PATCH,	   STEP_NAVIGATE,
		STEP_DISCONNECT,      STEP_RECONNECT,	     STEP_EXPIRE_TOKEN,	   STEP_WAIT,
		STEP_MARK,	      STEP_NOTE,	     STEP_EXPECT_QUERIES,  STEP_EXPECT_QUERIES,
		STEP_EXPECT_STATUS,   STEP_EXPECT_REDIRECT,  STEP_EXPECT_JOIN,	   STEP_EXPECT_ASSIGN_NEW,
		STEP_EXPECT_ASSIGN_NEW, STEP_EXPECT_ASSIGN_NEW,
	};
	for (size_t i = 0; i < sc.nsteps; i++) {
		s = &sc.steps[i];
		assert_int_equal(s->kind, kinds[i]);
		assert_int_equal(s->line, (int)i + 6);
		assert_int_equal(s->column, i == 14 ? 2 : 1);
		if (s->kind != STEP_EXPECT_ASSIGN_NEW)
			assert_int_equal(s->connected, -1);
		if (s->kind != STEP_EXPECT_QUERIES) {
			assert_null(s->counts);
			assert_int_equal(s->ncounts, 0);
		}
	}

	s = &sc.steps[0];
	assert_string_equal(s->text, "register agent@example.com \"correct horse battery\"");
	assert_string_equal(s->arg1, "agent@example.com");
	assert_string_equal(s->arg2, "correct horse battery");
	s = &sc.steps[1];
	assert_string_equal(s->arg1, "agent@example.com");
	assert_string_equal(s->arg2, "secret-pass");
	s = &sc.steps[2];
	assert_string_equal(s->text, "logout");
	assert_null(s->arg1);
	assert_null(s->arg2);
	assert_string_equal(sc.steps[3].arg1, "/mission?clue=2");
	assert_null(sc.steps[4].arg1);
	assert_string_equal(sc.steps[5].arg1, "reveal");
	assert_string_equal(sc.steps[6].arg1, "/mission?clue=3");
	assert_string_equal(sc.steps[7].arg1, "/on_mount_archive/archive");
	assert_null(sc.steps[8].arg1);
	assert_null(sc.steps[9].arg1);
	assert_null(sc.steps[10].arg1);
	assert_int_equal(sc.steps[11].number, 250);
	assert_null(sc.steps[11].arg1);
	assert_string_equal(sc.steps[12].arg1, "first-visit");
	assert_string_equal(sc.steps[13].arg1, "conn.assigns # not a comment");
	assert_string_equal(sc.steps[13].text, "note \"conn.assigns # not a comment\"");

	s = &sc.steps[14];
	assert_string_equal(s->text, "\texpect queries phase=mount:dead* source=users_tokens "
				     "assign=3 on_mount=2 # c");
	assert_string_equal(s->phase_glob, "mount:dead*");
	assert_string_equal(s->source, "users_tokens");
	assert_int_equal(s->ncounts, 2);
	assert_string_equal(s->counts[0].variant, "assign"); /* as written, not column order */
	assert_int_equal(s->counts[0].n, 3);
	assert_string_equal(s->counts[1].variant, "on_mount");
	assert_int_equal(s->counts[1].n, 2);
	s = &sc.steps[15];
	assert_null(s->phase_glob);
	assert_null(s->source);
	assert_int_equal(s->ncounts, 1);
	assert_string_equal(s->counts[0].variant, "");
	assert_int_equal(s->counts[0].n, 0);

	assert_int_equal(sc.steps[16].number, 302);
	assert_string_equal(sc.steps[17].arg1, "/users/log_in");
	assert_string_equal(sc.steps[18].arg1, "unauthorized");

	s = &sc.steps[19];
	assert_string_equal(s->arg1, "current_user");
	assert_string_equal(s->arg2, "parent_assigns");
	assert_string_equal(s->view, "CountdownLive");
	assert_int_equal(s->connected, 1);
	s = &sc.steps[20];
	assert_string_equal(s->arg2, "function");
	assert_null(s->view);
	assert_int_equal(s->connected, -1);
	s = &sc.steps[21];
	assert_string_equal(s->arg2, "conn_assigns");
	assert_int_equal(s->connected, 0);

	scenario_release(&sc);
	assert_zeroed(&sc);
}

static void test_defaults(void **state)
{
	(void)state;
	struct scenario sc;

	parse_ok("title \"Minimal\"\nvisit /\n", &sc);
	assert_string_equal(sc.title, "Minimal");
	assert_null(sc.description);
	assert_int_equal(sc.nvariants, 2);
	assert_string_equal(sc.variants[0], "assign");
	assert_string_equal(sc.variants[1], "assign_new");
	assert_int_equal(sc.nsteps, 1);
	assert_int_equal(sc.steps[0].kind, STEP_VISIT);
	assert_string_equal(sc.steps[0].arg1, "/");
	assert_int_equal(sc.steps[0].number, 0);
	assert_null(sc.steps[0].phase_glob);
	assert_null(sc.steps[0].source);
	assert_null(sc.steps[0].view);
	assert_int_equal(sc.steps[0].connected, -1);
	scenario_release(&sc);

	/* with the default variants, assign=N and assign_new=N are known */
	parse_ok(HEAD "visit /mission\nexpect queries assign_new=2 assign=3\n", &sc);
	assert_int_equal(sc.steps[1].ncounts, 2);
	assert_string_equal(sc.steps[1].counts[0].variant, "assign_new");
	assert_string_equal(sc.steps[1].counts[1].variant, "assign");
	scenario_release(&sc);

	/* one variant of four, and only some of them counted */
	parse_ok(HEAD "variants on_mount_assign on_mount assign_new\nvisit /\n"
		      "expect queries on_mount=1\n",
		 &sc);
	assert_int_equal(sc.nvariants, 3);
	assert_string_equal(sc.variants[0], "on_mount_assign");
	assert_int_equal(sc.steps[1].ncounts, 1);
	assert_string_equal(sc.steps[1].counts[0].variant, "on_mount");
	scenario_release(&sc);
}

static void test_words_strings_and_lines(void **state)
{
	(void)state;
	struct scenario sc;

	/* CRLF, tabs, comments, blank lines, a last line without newline */
	parse_ok("\r\n  # intro\r\n\ttitle\t\"a\\\\b\"\t#x\r\n\r\n  visit /a#frag\r\nmark \"é ü\"", &sc);
	assert_string_equal(sc.title, "a\\b");
	assert_int_equal(sc.nsteps, 2);
	assert_string_equal(sc.steps[0].arg1, "/a"); /* '#' outside a string starts a comment */
	assert_string_equal(sc.steps[0].text, "  visit /a#frag");
	assert_int_equal(sc.steps[0].line, 5);
	assert_int_equal(sc.steps[0].column, 3);
	assert_string_equal(sc.steps[1].arg1, "é ü");
	assert_int_equal(sc.steps[1].line, 6);
	scenario_release(&sc);

	/* an empty password is an argument (to test the validation); "#" and '\' in words */
	parse_ok(HEAD "register \"\" \"\"\nlogin a\\b \"#\"\nwait 0\nwait 60000\n"
		      "expect status 100\nexpect status 599\nexpect queries 1000000\n",
		 &sc);
	assert_string_equal(sc.steps[0].arg1, "");
	assert_string_equal(sc.steps[0].arg2, "");
	assert_string_equal(sc.steps[1].arg1, "a\\b");
	assert_string_equal(sc.steps[1].arg2, "#");
	assert_int_equal(sc.steps[2].number, 0);
	assert_int_equal(sc.steps[3].number, 60000);
	assert_int_equal(sc.steps[4].number, 100);
	assert_int_equal(sc.steps[5].number, 599);
	assert_int_equal(sc.steps[6].counts[0].n, 1000000);
	scenario_release(&sc);

	/* every join result, options in any order, a glob with a class */
	parse_ok(HEAD "expect join ok\nexpect join stale\nexpect join redirect\n"
		      "expect join live_redirect\n"
		      "expect queries 2 source=users phase=mount:[dc]*\n"
		      "expect assign_new k view=V from=socket_assigns\n",
		 &sc);
	assert_string_equal(sc.steps[3].arg1, "live_redirect");
	assert_string_equal(sc.steps[4].phase_glob, "mount:[dc]*");
	assert_string_equal(sc.steps[4].source, "users");
	assert_int_equal(sc.steps[4].counts[0].n, 2);
	assert_string_equal(sc.steps[5].view, "V");
	assert_string_equal(sc.steps[5].arg2, "socket_assigns");
	scenario_release(&sc);

	/* a description before the title; leading zeros */
	parse_ok("description d\ntitle T\nwait 007\n", &sc);
	assert_string_equal(sc.title, "T");
	assert_string_equal(sc.description, "d");
	assert_int_equal(sc.steps[0].number, 7);
	scenario_release(&sc);
}

static void test_parse_file(void **state)
{
	(void)state;
	struct scenario sc;
	char path[64], err[1024];

	write_temp(path, sizeof(path), every_step, strlen(every_step));
	assert_int_equal(scenario_parse_file(path, &sc, err, sizeof(err)), 0);
	assert_string_equal(sc.path, path);
	assert_int_equal(sc.nsteps, 22);
	scenario_release(&sc);
	unlink(path);

	assert_int_equal(scenario_parse_file("/nonexistent/x.scenario", &sc, err, sizeof(err)),
			 -1);
	assert_string_equal(err,
			    "cannot open '/nonexistent/x.scenario': No such file or directory");
	assert_zeroed(&sc);

	assert_int_equal(scenario_parse_file("/tmp", &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read '/tmp': not a regular file (a directory)");
	assert_zeroed(&sc);

	/* a scenario is a page of text: more than 1 MiB is refused before parsing */
	size_t big = 1024 * 1024 + 1;
	char *text = malloc(big);
	assert_non_null(text);
	memset(text, '\n', big);
	write_temp(path, sizeof(path), text, big);
	free(text);
	assert_int_equal(scenario_parse_file(path, &sc, err, sizeof(err)), -1);
	char want[128];
	snprintf(want, sizeof(want), "cannot read '%s': larger than 1048576 bytes", path);
	assert_string_equal(err, want);
	assert_zeroed(&sc);
	unlink(path);
}

/* ------------------------------------------------------------ file-level errors */

static void test_error_empty_and_title(void **state)
{
	(void)state;

	check_error("", "t.scenario:1:1: empty file: a scenario needs a title and at least one "
			"step\n"
			"  \n"
			"  ^");
	check_error("\n  \n\t\n", "t.scenario:1:1: empty file: a scenario needs a title and at "
				  "least one step\n"
				  "  \n"
				  "  ^");
	check_error("# only a comment\n",
		    "t.scenario:1:1: missing title: a line 'title \"TEXT\"' must come before the "
		    "first step\n"
		    "  # only a comment\n"
		    "  ^");
	check_error("# a comment\nvariants assign\nvisit /\n",
		    "t.scenario:1:1: missing title: a line 'title \"TEXT\"' must come before the "
		    "first step\n"
		    "  # a comment\n"
		    "  ^");
	check_error("title \"a\"\n# nothing else\n",
		    "t.scenario:1:1: no steps: a scenario needs at least one step after its header\n"
		    "  title \"a\"\n"
		    "  ^");
	check_error("title \"a\"\ndescription \"b\"\ntitle \"c\"\n",
		    "t.scenario:3:1: duplicate 'title' line (the first is line 1)\n"
		    "  title \"c\"\n"
		    "  ^");
	check_error("title a\ndescription \"b\"\n  description \"c\"\n",
		    "t.scenario:3:3: duplicate 'description' line (the first is line 2)\n"
		    "    description \"c\"\n"
		    "    ^");
	check_error("title a\nvariants assign\nvariants on_mount\n",
		    "t.scenario:3:1: duplicate 'variants' line (the first is line 2)\n"
		    "  variants on_mount\n"
		    "  ^");
	check_error("title a\nvisit /\ndescription \"late\"\n",
		    "t.scenario:3:1: 'description' after the first step (line 2): title, "
		    "description and variants come first\n"
		    "  description \"late\"\n"
		    "  ^");
	check_error("title a\nlogout\nvariants assign\n",
		    "t.scenario:3:1: 'variants' after the first step (line 2): title, description "
		    "and variants come first\n"
		    "  variants assign\n"
		    "  ^");
	check_error("title a\nvisit /\ntitle b\n",
		    "t.scenario:3:1: 'title' after the first step (line 2): title, description and "
		    "variants come first\n"
		    "  title b\n"
		    "  ^");
	check_error("title\n", "t.scenario:1:6: title: missing TEXT (usage: title \"TEXT\")\n"
			       "  title\n"
			       "       ^");
	check_error("title \"\"\n", "t.scenario:1:7: title: TEXT is empty\n"
				    "  title \"\"\n"
				    "        ^");
	check_error("title First visit\n",
		    "t.scenario:1:13: title: extra argument 'visit' (usage: title \"TEXT\")\n"
		    "  title First visit\n"
		    "              ^");
	check_error("title a\ndescription \"x\" \"y\"\n",
		    "t.scenario:2:17: description: extra argument, a string (usage: description "
		    "\"TEXT\")\n"
		    "  description \"x\" \"y\"\n"
		    "                  ^");
}

static void test_error_variants(void **state)
{
	(void)state;

	check_error(HEAD "variants asign assign_new\n",
		    "t.scenario:2:10: variants: unknown variant 'asign' (assign, assign_new, "
		    "on_mount or on_mount_assign)\n"
		    "  variants asign assign_new\n"
		    "           ^\n"
		    "  did you mean 'assign'?");
	check_error(HEAD "variants assign naive\n",
		    "t.scenario:2:17: variants: unknown variant 'naive' (assign, assign_new, "
		    "on_mount or on_mount_assign)\n"
		    "  variants assign naive\n"
		    "                  ^");
	check_error(HEAD "variants assign on_mount assign\n",
		    "t.scenario:2:26: variants: duplicate variant 'assign' (first at column 10)\n"
		    "  variants assign on_mount assign\n"
		    "                           ^");
	check_error(HEAD "variants   # none\n",
		    "t.scenario:2:9: variants: missing VARIANT (usage: variants VARIANT...)\n"
		    "  variants   # none\n"
		    "          ^");
	check_error(HEAD "variants \"assign\"\n",
		    "t.scenario:2:10: variants: VARIANT must be a word, not a quoted string\n"
		    "  variants \"assign\"\n"
		    "           ^");
}

static void test_error_bytes(void **state)
{
	(void)state;
	struct scenario sc;
	char path[64], err[1024];

	check_error(HEAD "mark \"caf\xc3\"\n", "t.scenario:2:10: invalid UTF-8 (byte 0xc3)\n"
					      "  mark \"caf?\"\n"
					      "           ^");
	check_error(HEAD "# \xff in a comment too\n",
		    "t.scenario:2:3: invalid UTF-8 (byte 0xff)\n"
		    "  # ? in a comment too\n"
		    "    ^");
	/* an overlong '/' and a UTF-16 surrogate are not UTF-8 either */
	check_error(HEAD "visit \xc0\xaf\n", "t.scenario:2:7: invalid UTF-8 (byte 0xc0)\n"
					     "  visit ??\n"
					     "        ^");
	check_error(HEAD "note \xed\xa0\x80\n", "t.scenario:2:6: invalid UTF-8 (byte 0xed)\n"
						"  note ???\n"
						"       ^");
	check_error(HEAD "wait\x1b[31m 5\n",
		    "t.scenario:2:5: control character 0x1b (only tabs and spaces separate words)\n"
		    "  wait?[31m 5\n"
		    "      ^");
	check_error(HEAD "visit /\rconnect\n",
		    "t.scenario:2:8: control character 0x0d (only tabs and spaces separate words)\n"
		    "  visit /?connect\n"
		    "         ^");

	/* a NUL byte can only come from a file */
	static const char nul[] = "title \"t\"\nvisit /a\0b\n";
	write_temp(path, sizeof(path), nul, sizeof(nul) - 1);
	assert_int_equal(scenario_parse_file(path, &sc, err, sizeof(err)), -1);
	char want[256];
	snprintf(want, sizeof(want), "%s:2:9: NUL byte in the file\n  visit /a?b\n          ^", path);
	assert_string_equal(err, want);
	assert_zeroed(&sc);
	unlink(path);

	/* an empty file on disk */
	write_temp(path, sizeof(path), "", 0);
	assert_int_equal(scenario_parse_file(path, &sc, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:1:1: empty file: a scenario needs a title and at least one step\n  \n  ^",
		 path);
	assert_string_equal(err, want);
	unlink(path);
}

static void test_error_long_line(void **state)
{
	(void)state;
	char *text = malloc(5000 + 64);
	char want[512];

	/* 4096 bytes are fine */
	strcpy(text, HEAD "note ");
	size_t at = strlen(text);
	memset(text + at, 'x', 4096 - 5);
	strcpy(text + at + 4096 - 5, "\n");
	struct scenario sc;
	parse_ok(text, &sc);
	assert_int_equal(strlen(sc.steps[0].arg1), 4091);
	scenario_release(&sc);

	/* 4097 are not: the message shows the start of the line and a caret at the cut */
	strcpy(text + at, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	memset(text + strlen(text), 'y', 4096);
	strcpy(text + at + 4092, "\n");
	snprintf(want, sizeof(want),
		 "t.scenario:2:4097: line is longer than 4096 bytes\n"
		 "  note %.59s...\n"
		 "  %64s^",
		 text + at, "");
	check_error(text, want);

	/* an over-long line is refused before its words are read */
	strcpy(text, HEAD "note \"\\q");
	memset(text + strlen(text), 'z', 4500);
	text[strlen(HEAD) + 8 + 4500] = '\0';
	snprintf(want, sizeof(want),
		 "t.scenario:2:4097: line is longer than 4096 bytes\n"
		 "  note \"\\q%.56s...\n"
		 "  %64s^",
		 text + strlen(HEAD) + 8, "");
	check_error(text, want);
	free(text);
}

/* ------------------------------------------------------------ words and strings */

static void test_error_strings(void **state)
{
	(void)state;

	check_error(HEAD "note \"the dead mount\n", "t.scenario:2:6: unterminated string\n"
						     "  note \"the dead mount\n"
						     "       ^");
	check_error(HEAD "note \"ends with a backslash\\\n",
		    "t.scenario:2:6: unterminated string\n"
		    "  note \"ends with a backslash\\\n"
		    "       ^");
	check_error(HEAD "note \"a # is fine, \\\" too\" \"x\n",
		    "t.scenario:2:28: unterminated string\n"
		    "  note \"a # is fine, \\\" too\" \"x\n"
		    "                             ^");
	check_error(HEAD "note \"line\\nbreak\"\n",
		    "t.scenario:2:11: bad escape '\\n' in a string: only \\\" and \\\\ are "
		    "allowed\n"
		    "  note \"line\\nbreak\"\n"
		    "            ^");
	check_error(HEAD "mark \"é\\é\"\n",
		    "t.scenario:2:9: bad escape '\\é' in a string: only \\\" and \\\\ are allowed\n"
		    "  mark \"é\\é\"\n"
		    "         ^"); /* one space for 'é', two bytes */
	check_error(HEAD "mark \"a\"b\n",
		    "t.scenario:2:9: a space must follow the closing quote of a string\n"
		    "  mark \"a\"b\n"
		    "          ^");
	check_error(HEAD "click say\"hi\"\n",
		    "t.scenario:2:10: '\"' inside a word: a string starts after a space\n"
		    "  click say\"hi\"\n"
		    "           ^");
	check_error(HEAD "\"visit\" /\n",
		    "t.scenario:2:1: a line starts with a command, not a quoted string\n"
		    "  \"visit\" /\n"
		    "  ^");
}

/* ------------------------------------------------------------ commands and arguments */

static void test_error_unknown_command(void **state)
{
	(void)state;

	check_error(HEAD "visit /\nnaviagte /dossier\n",
		    "t.scenario:3:1: unknown command 'naviagte'\n"
		    "  naviagte /dossier\n"
		    "  ^\n"
		    "  did you mean 'navigate'?");
	check_error(HEAD "  Visit /\n", "t.scenario:2:3: unknown command 'Visit'\n"
					"    Visit /\n"
					"    ^\n"
					"  did you mean 'visit'?");
	check_error(HEAD "expire_token\n", "t.scenario:2:1: unknown command 'expire_token'\n"
					   "  expire_token\n"
					   "  ^\n"
					   "  did you mean 'expire-token'?");
	check_error("titel \"x\"\n", "t.scenario:1:1: unknown command 'titel'\n"
				     "  titel \"x\"\n"
				     "  ^\n"
				     "  did you mean 'title'?");
	check_error(HEAD "expects status 200\n", "t.scenario:2:1: unknown command 'expects'\n"
						 "  expects status 200\n"
						 "  ^\n"
						 "  did you mean 'expect'?");
	/* too far from every command: no suggestion */
	check_error(HEAD "submit /form\n", "t.scenario:2:1: unknown command 'submit'\n"
					   "  submit /form\n"
					   "  ^");
	check_error(HEAD "go /\n", "t.scenario:2:1: unknown command 'go'\n"
				   "  go /\n"
				   "  ^");
	/* a very long word is shortened in the message */
	check_error(HEAD "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		    "t.scenario:2:1: unknown command "
		    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'\n"
		    "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		    "  ^");
}

static void test_error_arguments(void **state)
{
	(void)state;

	check_error(HEAD "visit\n", "t.scenario:2:6: visit: missing PATH (usage: visit PATH)\n"
				    "  visit\n"
				    "       ^");
	check_error(HEAD "visit    # where?\n",
		    "t.scenario:2:6: visit: missing PATH (usage: visit PATH)\n"
		    "  visit    # where?\n"
		    "       ^");
	check_error(HEAD "register agent@example.com\n",
		    "t.scenario:2:27: register: missing PASSWORD (usage: register EMAIL PASSWORD)\n"
		    "  register agent@example.com\n"
		    "                            ^");
	check_error(HEAD "login\n", "t.scenario:2:6: login: missing EMAIL (usage: login EMAIL "
				    "PASSWORD)\n"
				    "  login\n"
				    "       ^");
	check_error(HEAD "visit /a /b\n",
		    "t.scenario:2:10: visit: extra argument '/b' (usage: visit PATH)\n"
		    "  visit /a /b\n"
		    "           ^");
	check_error(HEAD "logout now\n", "t.scenario:2:8: logout: extra argument 'now' (usage: "
					 "logout)\n"
					 "  logout now\n"
					 "         ^");
	check_error(HEAD "note The dead mount\n",
		    "t.scenario:2:10: note: extra argument 'dead' (usage: note \"TEXT\")\n"
		    "  note The dead mount\n"
		    "           ^");
	check_error(HEAD "mark \"\"\n", "t.scenario:2:6: mark: LABEL is empty\n"
					"  mark \"\"\n"
					"       ^");
	check_error(HEAD "click \"\"\n", "t.scenario:2:7: click: EVENT is empty\n"
					 "  click \"\"\n"
					 "        ^");
	check_error(HEAD "connect\texpect\n",
		    "t.scenario:2:9: connect: extra argument 'expect' (usage: connect)\n"
		    "  connect\texpect\n"
		    "         \t^"); /* a tab in the line is a tab under it */
	/* the first error on the line wins: the bad path before the extra argument */
	check_error(HEAD "patch mission?clue=1 /x\n",
		    "t.scenario:2:7: patch: path 'mission?clue=1' must start with '/'\n"
		    "  patch mission?clue=1 /x\n"
		    "        ^");
	check_error(HEAD "navigate \"/dossier\"\n",
		    "t.scenario:2:10: navigate: PATH must be a word, not a quoted string\n"
		    "  navigate \"/dossier\"\n"
		    "           ^");
	check_error(HEAD "visit mission\n",
		    "t.scenario:2:7: visit: path 'mission' must start with '/'\n"
		    "  visit mission\n"
		    "        ^");
}

static void test_error_numbers(void **state)
{
	(void)state;

	check_error(HEAD "wait 10ms\n", "t.scenario:2:6: wait: bad number '10ms'\n"
					"  wait 10ms\n"
					"       ^");
	check_error(HEAD "wait 1.5\n", "t.scenario:2:6: wait: bad number '1.5'\n"
				       "  wait 1.5\n"
				       "       ^");
	check_error(HEAD "wait +5\n", "t.scenario:2:6: wait: bad number '+5'\n"
				      "  wait +5\n"
				      "       ^");
	check_error(HEAD "wait -\n", "t.scenario:2:6: wait: bad number '-'\n"
				     "  wait -\n"
				     "       ^");
	check_error(HEAD "wait 60001\n", "t.scenario:2:6: wait: 60001 is out of range 0..60000\n"
					 "  wait 60001\n"
					 "       ^");
	check_error(HEAD "wait -1\n", "t.scenario:2:6: wait: -1 is out of range 0..60000\n"
				      "  wait -1\n"
				      "       ^");
	check_error(HEAD "wait 99999999999999999999999999\n",
		    "t.scenario:2:6: wait: 99999999999999999999999999 is out of range 0..60000\n"
		    "  wait 99999999999999999999999999\n"
		    "       ^");
	check_error(HEAD "wait \"5\"\n", "t.scenario:2:6: wait: MS must be a word, not a quoted "
					 "string\n"
					 "  wait \"5\"\n"
					 "       ^");
	check_error(HEAD "expect status 99\n",
		    "t.scenario:2:15: expect status: 99 is out of range 100..599\n"
		    "  expect status 99\n"
		    "                ^");
	check_error(HEAD "expect status 600\n",
		    "t.scenario:2:15: expect status: 600 is out of range 100..599\n"
		    "  expect status 600\n"
		    "                ^");
	check_error(HEAD "expect status OK\n", "t.scenario:2:15: expect status: bad number 'OK'\n"
					       "  expect status OK\n"
					       "                ^");
	check_error(HEAD "expect status\n",
		    "t.scenario:2:14: expect status: missing CODE (usage: expect status CODE)\n"
		    "  expect status\n"
		    "               ^");
	check_error(HEAD "expect status 200 302\n",
		    "t.scenario:2:19: expect status: extra argument '302' (usage: expect status "
		    "CODE)\n"
		    "  expect status 200 302\n"
		    "                    ^");
}

/* ------------------------------------------------------------ expectations */

static void test_error_expect(void **state)
{
	(void)state;

	check_error(HEAD "visit /\nexpect querys 3\n",
		    "t.scenario:3:8: unknown expectation 'querys' (queries, status, redirect, join "
		    "or assign_new)\n"
		    "  expect querys 3\n"
		    "         ^\n"
		    "  did you mean 'queries'?");
	check_error(HEAD "expect assignnew k from=function\n",
		    "t.scenario:2:8: unknown expectation 'assignnew' (queries, status, redirect, "
		    "join or assign_new)\n"
		    "  expect assignnew k from=function\n"
		    "         ^\n"
		    "  did you mean 'assign_new'?");
	check_error(HEAD "expect html \"x\"\n",
		    "t.scenario:2:8: unknown expectation 'html' (queries, status, redirect, join or "
		    "assign_new)\n"
		    "  expect html \"x\"\n"
		    "         ^");
	check_error(HEAD "expect\n", "t.scenario:2:7: expect: missing KIND (usage: expect "
				     "queries|status|redirect|join|assign_new ...)\n"
				     "  expect\n"
				     "        ^");
	check_error(HEAD "expect redirect users/log_in\n",
		    "t.scenario:2:17: expect redirect: path 'users/log_in' must start with '/'\n"
		    "  expect redirect users/log_in\n"
		    "                  ^");
	check_error(HEAD "expect redirect\n",
		    "t.scenario:2:16: expect redirect: missing PATH (usage: expect redirect PATH)\n"
		    "  expect redirect\n"
		    "                 ^");
	check_error(HEAD "expect join okay\n",
		    "t.scenario:2:13: expect join: unknown result 'okay' (ok, stale, unauthorized, "
		    "redirect or live_redirect)\n"
		    "  expect join okay\n"
		    "              ^\n"
		    "  did you mean 'ok'?");
	check_error(HEAD "expect join unauthorised\n",
		    "t.scenario:2:13: expect join: unknown result 'unauthorised' (ok, stale, "
		    "unauthorized, redirect or live_redirect)\n"
		    "  expect join unauthorised\n"
		    "              ^\n"
		    "  did you mean 'unauthorized'?");
	check_error(HEAD "expect join\n",
		    "t.scenario:2:12: expect join: missing RESULT (usage: expect join "
		    "ok|stale|unauthorized|redirect|live_redirect)\n"
		    "  expect join\n"
		    "             ^");
	check_error(HEAD "expect join ok stale\n",
		    "t.scenario:2:16: expect join: extra argument 'stale' (usage: expect join "
		    "ok|stale|unauthorized|redirect|live_redirect)\n"
		    "  expect join ok stale\n"
		    "                 ^");
}

static void test_error_expect_queries(void **state)
{
	(void)state;

	check_error(HEAD "expect queries\n",
		    "t.scenario:2:15: expect queries: missing count (usage: expect queries "
		    "[phase=GLOB] [source=TABLE] (N | VARIANT=N ...))\n"
		    "  expect queries\n"
		    "                ^");
	check_error(HEAD "expect queries phase=mount*\n",
		    "t.scenario:2:28: expect queries: missing count (usage: expect queries "
		    "[phase=GLOB] [source=TABLE] (N | VARIANT=N ...))\n"
		    "  expect queries phase=mount*\n"
		    "                             ^");
	check_error(HEAD "expect queries three\n",
		    "t.scenario:2:16: expect queries: unexpected 'three' (usage: expect queries "
		    "[phase=GLOB] [source=TABLE] (N | VARIANT=N ...))\n"
		    "  expect queries three\n"
		    "                 ^");
	check_error(HEAD "expect queries 3x\n", "t.scenario:2:16: expect queries: bad number '3x'\n"
						"  expect queries 3x\n"
						"                 ^");
	check_error(HEAD "expect queries -1\n",
		    "t.scenario:2:16: expect queries: -1 is out of range 0..1000000\n"
		    "  expect queries -1\n"
		    "                 ^");
	check_error(HEAD "expect queries 2 3\n",
		    "t.scenario:2:18: expect queries: a second count '3' (one N for every variant, "
		    "or VARIANT=N for each)\n"
		    "  expect queries 2 3\n"
		    "                   ^");
	check_error(HEAD "expect queries 2 assign=3\n",
		    "t.scenario:2:18: expect queries: either one N for every variant or VARIANT=N "
		    "counts, not both\n"
		    "  expect queries 2 assign=3\n"
		    "                   ^");
	check_error(HEAD "expect queries assign=3 2\n",
		    "t.scenario:2:25: expect queries: either one N for every variant or VARIANT=N "
		    "counts, not both\n"
		    "  expect queries assign=3 2\n"
		    "                          ^");
	check_error(HEAD "expect queries assign=3 assign_new=2 assign=3\n",
		    "t.scenario:2:38: expect queries: duplicate count for variant 'assign' (first "
		    "at column 16)\n"
		    "  expect queries assign=3 assign_new=2 assign=3\n"
		    "                                       ^");
	check_error(HEAD "expect queries on_mount=2\n",
		    "t.scenario:2:16: expect queries: variant 'on_mount' is not one of this "
		    "scenario's variants (assign assign_new)\n"
		    "  expect queries on_mount=2\n"
		    "                 ^");
	check_error(HEAD "variants on_mount\nexpect queries assign=2\n",
		    "t.scenario:3:16: expect queries: variant 'assign' is not one of this "
		    "scenario's variants (on_mount)\n"
		    "  expect queries assign=2\n"
		    "                 ^");
	check_error(HEAD "expect queries asign=3\n",
		    "t.scenario:2:16: expect queries: unknown option or variant 'asign'\n"
		    "  expect queries asign=3\n"
		    "                 ^\n"
		    "  did you mean 'assign=3'?");
	check_error(HEAD "expect queries phsae=mount:dead* 1\n",
		    "t.scenario:2:16: expect queries: unknown option or variant 'phsae'\n"
		    "  expect queries phsae=mount:dead* 1\n"
		    "                 ^\n"
		    "  did you mean 'phase=mount:dead*'?");
	check_error(HEAD "expect queries table=users 1\n",
		    "t.scenario:2:16: expect queries: unknown option or variant 'table'\n"
		    "  expect queries table=users 1\n"
		    "                 ^");
	check_error(HEAD "expect queries assign=\n",
		    "t.scenario:2:23: expect queries: missing number after 'assign='\n"
		    "  expect queries assign=\n"
		    "                        ^");
	check_error(HEAD "expect queries assign_new=two\n",
		    "t.scenario:2:27: expect queries: bad number 'two'\n"
		    "  expect queries assign_new=two\n"
		    "                            ^");
	check_error(HEAD "expect queries phase=plug:* phase=mount* 1\n",
		    "t.scenario:2:29: expect queries: duplicate option 'phase=' (first at column 16)\n"
		    "  expect queries phase=plug:* phase=mount* 1\n"
		    "                              ^");
	check_error(HEAD "expect queries source=users source=users_tokens 1\n",
		    "t.scenario:2:29: expect queries: duplicate option 'source=' (first at column "
		    "16)\n"
		    "  expect queries source=users source=users_tokens 1\n"
		    "                              ^");
	check_error(HEAD "expect queries source= 1\n",
		    "t.scenario:2:23: expect queries: empty value for 'source='\n"
		    "  expect queries source= 1\n"
		    "                        ^");
	check_error(HEAD "expect queries phase=mount:[dc* 1\n",
		    "t.scenario:2:28: expect queries: unclosed '[' in the phase glob\n"
		    "  expect queries phase=mount:[dc* 1\n"
		    "                             ^");
	check_error(HEAD "expect queries \"1\"\n",
		    "t.scenario:2:16: expect queries: unexpected quoted string (usage: expect "
		    "queries [phase=GLOB] [source=TABLE] (N | VARIANT=N ...))\n"
		    "  expect queries \"1\"\n"
		    "                 ^");
}

static void test_error_expect_assign_new(void **state)
{
	(void)state;

	check_error(HEAD "expect assign_new\n",
		    "t.scenario:2:18: expect assign_new: missing KEY (usage: expect assign_new KEY "
		    "from=conn_assigns|parent_assigns|socket_assigns|function [view=VIEW] "
		    "[dead|connected])\n"
		    "  expect assign_new\n"
		    "                   ^");
	check_error(HEAD "expect assign_new from=function\n",
		    "t.scenario:2:19: expect assign_new: missing KEY before 'from=function' (usage: "
		    "expect assign_new KEY from=conn_assigns|parent_assigns|socket_assigns|function "
		    "[view=VIEW] [dead|connected])\n"
		    "  expect assign_new from=function\n"
		    "                    ^");
	check_error(HEAD "expect assign_new current_user\n",
		    "t.scenario:2:31: expect assign_new: missing from=SOURCE (usage: expect "
		    "assign_new KEY from=conn_assigns|parent_assigns|socket_assigns|function "
		    "[view=VIEW] [dead|connected])\n"
		    "  expect assign_new current_user\n"
		    "                                ^");
	check_error(HEAD "expect assign_new current_user from=conn_asigns\n",
		    "t.scenario:2:37: expect assign_new: unknown source 'conn_asigns' "
		    "(conn_assigns, parent_assigns, socket_assigns or function)\n"
		    "  expect assign_new current_user from=conn_asigns\n"
		    "                                      ^\n"
		    "  did you mean 'conn_assigns'?");
	check_error(HEAD "expect assign_new current_user from=conn\n",
		    "t.scenario:2:37: expect assign_new: unknown source 'conn' (conn_assigns, "
		    "parent_assigns, socket_assigns or function)\n"
		    "  expect assign_new current_user from=conn\n"
		    "                                      ^");
	check_error(HEAD "expect assign_new current_user from=\n",
		    "t.scenario:2:37: expect assign_new: empty value for 'from='\n"
		    "  expect assign_new current_user from=\n"
		    "                                      ^");
	check_error(HEAD "expect assign_new current_user from=function from=function\n",
		    "t.scenario:2:46: expect assign_new: duplicate option 'from=' (first at column "
		    "32)\n"
		    "  expect assign_new current_user from=function from=function\n"
		    "                                               ^");
	check_error(HEAD "expect assign_new k from=function view=A view=B\n",
		    "t.scenario:2:42: expect assign_new: duplicate option 'view=' (first at column "
		    "35)\n"
		    "  expect assign_new k from=function view=A view=B\n"
		    "                                           ^");
	check_error(HEAD "expect assign_new k from=function veiw=MissionLive\n",
		    "t.scenario:2:35: expect assign_new: unknown option 'veiw=MissionLive' (usage: "
		    "expect assign_new KEY from=conn_assigns|parent_assigns|socket_assigns|function "
		    "[view=VIEW] [dead|connected])\n"
		    "  expect assign_new k from=function veiw=MissionLive\n"
		    "                                    ^\n"
		    "  did you mean 'view=MissionLive'?");
	check_error(HEAD "expect assign_new k from=function conected\n",
		    "t.scenario:2:35: expect assign_new: unexpected 'conected' (usage: expect "
		    "assign_new KEY from=conn_assigns|parent_assigns|socket_assigns|function "
		    "[view=VIEW] [dead|connected])\n"
		    "  expect assign_new k from=function conected\n"
		    "                                    ^\n"
		    "  did you mean 'connected'?");
	check_error(HEAD "expect assign_new k dead from=function connected\n",
		    "t.scenario:2:40: expect assign_new: 'connected' after 'dead': at most one of "
		    "dead|connected\n"
		    "  expect assign_new k dead from=function connected\n"
		    "                                         ^");
	check_error(HEAD "expect assign_new \"k\" from=function\n",
		    "t.scenario:2:19: expect assign_new: KEY must be a word, not a quoted string\n"
		    "  expect assign_new \"k\" from=function\n"
		    "                    ^");
}

/* A small buffer, or none, is never overrun; the message is cut, not lost. */
static void test_error_buffer_sizes(void **state)
{
	(void)state;
	struct scenario sc;
	char err[24];

	memset(err, 'Z', sizeof(err));
	assert_int_equal(scenario_parse_string("t.scenario", "go\n", &sc, err, 8), -1);
	assert_string_equal(err, "t.scena");
	assert_int_equal(err[8], 'Z');
	assert_int_equal(scenario_parse_string("t.scenario", "go\n", &sc, NULL, 0), -1);
	assert_zeroed(&sc);
	assert_int_equal(scenario_parse_string("t.scenario", NULL, &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "t.scenario:1:1: empty f");
	/* the name is whatever the caller gave */
	check_error_named("scenarios/x.scenario", "title a\n",
			  "scenarios/x.scenario:1:1: no steps: a scenario needs at least one step "
			  "after its header\n"
			  "  title a\n"
			  "  ^");
}

/* ------------------------------------------------------------ names, paths, globs */

static void test_names(void **state)
{
	(void)state;

	assert_int_equal(VARIANT_COUNT, 4);
	assert_string_equal(variant_names[0], "assign");
	assert_string_equal(variant_names[1], "assign_new");
	assert_string_equal(variant_names[2], "on_mount");
	assert_string_equal(variant_names[3], "on_mount_assign");
	assert_string_equal(step_kind_name(STEP_REGISTER), "register");
	assert_string_equal(step_kind_name(STEP_EXPIRE_TOKEN), "expire-token");
	assert_string_equal(step_kind_name(STEP_EXPECT_QUERIES), "expect queries");
	assert_string_equal(step_kind_name(STEP_EXPECT_ASSIGN_NEW), "expect assign_new");
	assert_string_equal(step_kind_name(STEP_KIND_COUNT), "unknown");
	for (int k = 0; k < STEP_KIND_COUNT; k++)
		assert_non_null(step_kind_name((enum step_kind)k));
}

static void check_path(const char *path, const char *variant, const char *expected)
{
	char *got = scenario_variant_path(path, variant);
	assert_non_null(got);
	if (strcmp(got, expected) != 0)
		fail_msg("scenario_variant_path(\"%s\", \"%s\") = \"%s\", expected \"%s\"", path,
			 variant, got, expected);
	free(got);
}

static void test_variant_path(void **state)
{
	(void)state;

	check_path("/", "assign", "/");
	check_path("/?flash=1", "assign", "/?flash=1");
	check_path("/users/log_in", "assign", "/users/log_in");
	check_path("/users/register", "on_mount", "/users/register");
	check_path("/users", "assign", "/users");
	check_path("/users?x=1", "assign", "/users?x=1");
	check_path("/mission", "assign", "/assign/mission");
	check_path("/mission", "on_mount_assign", "/on_mount_assign/mission");
	check_path("/mission?clue=2", "assign", "/assign/mission?clue=2");
	check_path("/mission?clue=2", "assign_new", "/assign_new/mission?clue=2");
	check_path("/hq", "on_mount", "/on_mount/hq");
	/* a path that names a variant already is that variant's */
	check_path("/assign/mission", "on_mount", "/assign/mission");
	check_path("/on_mount", "assign", "/on_mount");
	check_path("/assign_new?x", "assign", "/assign_new?x");
	check_path("/assign_archive/archive", "assign_new", "/assign_archive/archive");
	check_path("/on_mount_assign_archive", "assign", "/on_mount_assign_archive");
	/* but only a whole first segment counts */
	check_path("/usersx", "assign", "/assign/usersx");
	check_path("/user/x", "assign", "/assign/user/x");
	check_path("/assignment", "on_mount", "/on_mount/assignment");
	check_path("/assign_archivex", "on_mount", "/on_mount/assign_archivex");
	check_path("/archive", "assign", "/assign/archive");
	check_path("/mission/users", "assign", "/assign/mission/users");
}

static void check_glob(const char *glob, const char *text, int expected)
{
	if (scenario_glob_match(glob, text) != expected)
		fail_msg("scenario_glob_match(\"%s\", \"%s\") != %d", glob, text, expected);
}

static void test_glob(void **state)
{
	(void)state;
	const char *hook = "mount:dead:MissionLive/on_mount:mount_current_user";

	check_glob("mount:dead*", hook, 1);
	check_glob("mount:dead*", "mount:dead:MissionLive", 1);
	check_glob("mount:dead*", "mount:connected:MissionLive", 0);
	check_glob("mount:*", hook, 1);
	check_glob("*", "", 1);
	check_glob("*", hook, 1);
	check_glob("", "", 1);
	check_glob("", "x", 0);
	check_glob("x", "", 0);
	check_glob("*on_mount*", hook, 1); /* '*' crosses '/' and ':' */
	check_glob("*/on_mount:*", hook, 1);
	check_glob("*:mount_current_user", hook, 1);
	check_glob("mount:*:MissionLive", "mount:dead:MissionLive", 1);
	check_glob("mount:*:MissionLive", hook, 0);
	check_glob("plug:*", "plug:fetch_current_user", 1);
	check_glob("plug:fetch_current_user", "plug:fetch_current_user", 1);
	check_glob("plug:fetch_current_user", "plug:fetch_current_users", 0);
	check_glob("plug:fetch_current_use", "plug:fetch_current_user", 0);
	check_glob("controller:UserRegistration.*", "controller:UserRegistration.create", 1);
	check_glob("render:?????:*", "render:dead:MissionLive", 0);
	check_glob("render:????:*", "render:dead:MissionLive", 1);
	/* phase names are ASCII: '?' is one byte (fnmatch in the C locale) */
	check_glob("?", "x", 1);
	check_glob("??", "x", 0);
	check_glob("a*b*c", "aXbYbZc", 1);
	check_glob("a*b*c", "aXbYbZ", 0);
	check_glob("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0);
	check_glob("**x", "abx", 1);
	/* classes */
	check_glob("mount:[dc]*", "mount:dead:X", 1);
	check_glob("mount:[dc]*", "mount:connected:X", 1);
	check_glob("mount:[!d]*", "mount:dead:X", 0);
	check_glob("mount:[!d]*", "mount:connected:X", 1);
	check_glob("mount:[^d]*", "mount:connected:X", 1);
	check_glob("[a-c]x", "bx", 1);
	check_glob("[a-c]x", "dx", 0);
	check_glob("[!a-c]x", "dx", 1);
	check_glob("[]]", "]", 1);
	check_glob("[!]]", "]", 0);
	check_glob("[!]]", "a", 1);
	check_glob("[a-]", "-", 1);
	/* escapes and an unclosed bracket are ordinary characters */
	check_glob("a\\*", "a*", 1);
	check_glob("a\\*", "ab", 0);
	check_glob("a\\?", "ab", 0);
	check_glob("[ab", "[ab", 1);
	check_glob("[ab", "a", 0);
	check_glob("x\\", "x\\", 0); /* fnmatch: a trailing backslash matches nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_step_kind),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_words_strings_and_lines),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_error_empty_and_title),
		cmocka_unit_test(test_error_variants),
		cmocka_unit_test(test_error_bytes),
		cmocka_unit_test(test_error_long_line),
		cmocka_unit_test(test_error_strings),
		cmocka_unit_test(test_error_unknown_command),
		cmocka_unit_test(test_error_arguments),
		cmocka_unit_test(test_error_numbers),
		cmocka_unit_test(test_error_expect),
		cmocka_unit_test(test_error_expect_queries),
		cmocka_unit_test(test_error_expect_assign_new),
		cmocka_unit_test(test_error_buffer_sizes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_variant_path),
		cmocka_unit_test(test_glob),
	};

	return cmocka_run_group_tests_name("scenario: the .scenario language", tests, NULL, NULL);
}
