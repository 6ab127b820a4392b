/* test_cli.c: every option, good and bad, parsed into a config; usage errors said exactly */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "capture.h"
#include "cli.h"

/* argv as main gets it: "ldwatch" first, NULL last */
#define ARGV(...) ((char *[]){ "ldwatch", __VA_ARGS__, NULL })

static int parse(char **argv, struct cli_config *c)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(c, 0, sizeof(*c));
	return cli_parse(argc, argv, c);
}

/* what cli_usage writes */
static char *usage(void)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	cr_assert_not_null(f);
	cli_usage(f);
	fclose(f);
	return s;
}

/* parse with stderr caught: -EINVAL, and exactly "ldwatch: MSG\n" and where the usage is */
static void bad(char **argv, const char *msg)
{
	char *got, *want, *u = strdup("Try 'ldwatch --help' for more information.\n");
	struct cli_config c;
	struct capture cap;
	int err;

	capture_begin(&cap);
	err = parse(argv, &c);
	got = capture_end(&cap);
	cr_assert_eq(asprintf(&want, "ldwatch: %s\n%s", msg, u) > 0, 1);
	cr_assert_eq(err, -EINVAL, "%s: %d", msg, err);
	cr_assert_str_eq(got, want);
	free(want);
	free(got);
	free(u);
}

Test(cli, defaults)
{
	struct cli_config c;

	cr_assert_eq(parse((char *[]){ "ldwatch", NULL }, &c), CLI_RUN);
	cr_assert_eq(c.all + c.json + c.verbose + c.loads + c.no_uprobes, 0);
	cr_assert_eq(c.pid, 0);
	cr_assert_eq(c.ring_bytes, 0);
	cr_assert_eq(c.duration, 0.0);
	cr_assert_null(c.output);
	cr_assert_null(c.cgroup);
	cr_assert_null(c.container);
	cr_assert_null(c.cmd);
	cr_assert_eq(c.color, 0);	/* auto */
}

Test(cli, color)
{
	struct cli_config c;

	cr_assert_eq(parse((char *[]){ "ldwatch", "--color", NULL }, &c), CLI_RUN);
	cr_assert_eq(c.color, 1);
	cr_assert_eq(parse((char *[]){ "ldwatch", "--color=always", NULL }, &c), CLI_RUN);
	cr_assert_eq(c.color, 1);
	cr_assert_eq(parse((char *[]){ "ldwatch", "--color=never", NULL }, &c), CLI_RUN);
	cr_assert_eq(c.color, 2);
	cr_assert_eq(parse((char *[]){ "ldwatch", "--color=never", "--color=auto", NULL }, &c), CLI_RUN);
	cr_assert_eq(c.color, 0);
	bad(ARGV("--color=yes"), "--color takes auto, always or never, not 'yes'");
}

Test(cli, short_options)
{
	struct cli_config c;

	cr_assert_eq(parse(ARGV("-a", "-j", "-l", "-v", "-p", "42", "-o", "out.json", "-d", "2.5"),
			   &c), CLI_RUN);
	cr_assert_eq(c.all, 1);
	cr_assert_eq(c.json, 1);
	cr_assert_eq(c.loads, 1);
	cr_assert_eq(c.verbose, 1);
	cr_assert_eq(c.pid, 42);
	cr_assert_str_eq(c.output, "out.json");
	cr_assert_eq(c.duration, 2.5);
	cr_assert_eq(c.no_uprobes, 0);
	cr_assert_null(c.cmd);
}

Test(cli, short_options_bundled_and_attached)
{
	struct cli_config c;

	cr_assert_eq(parse(ARGV("-ajlv", "-p7", "-oout", "-d1"), &c), CLI_RUN);
	cr_assert_eq(c.all + c.json + c.loads + c.verbose, 4);
	cr_assert_eq(c.pid, 7);
	cr_assert_str_eq(c.output, "out");
	cr_assert_eq(c.duration, 1.0);
}

Test(cli, long_options)
{
	struct cli_config c;

	cr_assert_eq(parse(ARGV("--all", "--json", "--loads", "--verbose", "--pid", "2147483647",
				"--output", "/tmp/x", "--duration", "1e9", "--cgroup", "system.slice",
				"--container", "Ab-1_2.c", "--ring-size", "4096", "--no-uprobes"),
			   &c), CLI_RUN);
	cr_assert_eq(c.all + c.json + c.loads + c.verbose + c.no_uprobes, 5);
	cr_assert_eq(c.pid, 2147483647u);
	cr_assert_str_eq(c.output, "/tmp/x");
	cr_assert_eq(c.duration, 1e9);
	cr_assert_str_eq(c.cgroup, "system.slice");
	cr_assert_str_eq(c.container, "Ab-1_2.c");
	cr_assert_eq(c.ring_bytes, 4096);
}

Test(cli, long_options_with_equals_and_abbreviated)
{
	struct cli_config c;

	cr_assert_eq(parse(ARGV("--pid=9", "--out=f", "--cg=/sys/fs/cgroup/a", "--cont=abc",
				"--ring=8K", "--no-u", "--dur=0.5"), &c), CLI_RUN);
	cr_assert_eq(c.pid, 9);
	cr_assert_str_eq(c.output, "f");
	cr_assert_str_eq(c.cgroup, "/sys/fs/cgroup/a");
	cr_assert_str_eq(c.container, "abc");
	cr_assert_eq(c.ring_bytes, 8192);
	cr_assert_eq(c.no_uprobes, 1);
	cr_assert_eq(c.duration, 0.5);
}

Test(cli, ring_size_units)
{
	struct cli_config c;

	cr_assert_eq(parse(ARGV("--ring-size", "4k"), &c), CLI_RUN);
	cr_assert_eq(c.ring_bytes, 4096);
	cr_assert_eq(parse(ARGV("--ring-size", "64K"), &c), CLI_RUN);
	cr_assert_eq(c.ring_bytes, 64 << 10);
	cr_assert_eq(parse(ARGV("--ring-size", "16m"), &c), CLI_RUN);
	cr_assert_eq(c.ring_bytes, 16 << 20);
	cr_assert_eq(parse(ARGV("--ring-size", "1024M"), &c), CLI_RUN);
	cr_assert_eq(c.ring_bytes, 1u << 30);
	cr_assert_eq(parse(ARGV("--ring-size", "1073741824"), &c), CLI_RUN);
	cr_assert_eq(c.ring_bytes, 1u << 30);
}

Test(cli, max_memory)
{
	struct cli_config c;

	cr_assert_eq(parse(ARGV("--max-memory", "1M"), &c), CLI_RUN);
	cr_assert_eq(c.max_memory, 1u << 20);
	cr_assert_eq(parse(ARGV("--max-memory", "4096M"), &c), CLI_RUN);
	cr_assert_eq(c.max_memory, 4ull << 30);
	cr_assert_eq(parse(ARGV("--max-memory=262144k"), &c), CLI_RUN);
	cr_assert_eq(c.max_memory, 256u << 20);
	cr_assert_eq(parse(ARGV("-a"), &c), CLI_RUN);
	cr_assert_eq(c.max_memory, 0, "unset: the correlator's default");
	bad(ARGV("--max-memory", "1023K"),
	    "--max-memory needs a size from 1M to 4096M (bytes, or with K or M), not '1023K'");
	bad(ARGV("--max-memory", "4097M"),
	    "--max-memory needs a size from 1M to 4096M (bytes, or with K or M), not '4097M'");
	bad(ARGV("--max-memory", "64G"),
	    "--max-memory needs a size from 1M to 4096M (bytes, or with K or M), not '64G'");
	bad(ARGV("--max-memory", "-1M"),
	    "--max-memory needs a size from 1M to 4096M (bytes, or with K or M), not '-1M'");
	bad(ARGV("--max-memory", "99999999999999999999"),
	    "--max-memory needs a size from 1M to 4096M (bytes, or with K or M), not "
	    "'99999999999999999999'");
}

Test(cli, container_id_of_128_characters)
{
	char id[129];
	struct cli_config c;

	memset(id, 'f', 128);
	id[128] = '\0';
	cr_assert_eq(parse(ARGV("--container", id), &c), CLI_RUN);
	cr_assert_eq(c.container, id);
}

Test(cli, command_after_dashdash)
{
	struct cli_config c;
	char **argv = ARGV("-j", "--", "ls", "-a", "--json");

	cr_assert_eq(parse(argv, &c), CLI_RUN);
	cr_assert_eq(c.cmd, argv + 3);
	cr_assert_str_eq(c.cmd[0], "ls");
	cr_assert_str_eq(c.cmd[1], "-a");
	cr_assert_str_eq(c.cmd[2], "--json");
	cr_assert_null(c.cmd[3]);
	/* CMD's options are its own */
	cr_assert_eq(c.json, 1);
	cr_assert_eq(c.all, 0);
}

Test(cli, command_without_dashdash)
{
	struct cli_config c;
	char **argv = ARGV("-a", "make", "-j", "4");

	/* options end at the first word that is not one (getopt's "+") */
	cr_assert_eq(parse(argv, &c), CLI_RUN);
	cr_assert_eq(c.cmd, argv + 2);
	cr_assert_eq(c.all, 1);
	cr_assert_eq(c.json, 0);
	/* so a -p after CMD is CMD's */
	argv = ARGV("true", "-p", "1");
	cr_assert_eq(parse(argv, &c), CLI_RUN);
	cr_assert_eq(c.pid, 0);
	cr_assert_eq(c.cmd, argv + 1);
}

Test(cli, all_with_command)
{
	struct cli_config c;
	char **argv = ARGV("-a", "--", "true");

	cr_assert_eq(parse(argv, &c), CLI_RUN);
	cr_assert_eq(c.cmd, argv + 3);
	cr_assert_eq(c.all, 1);
}

Test(cli, help_and_version)
{
	struct cli_config c;

	cr_assert_eq(parse(ARGV("-h"), &c), CLI_HELP);
	cr_assert_eq(parse(ARGV("--help"), &c), CLI_HELP);
	cr_assert_eq(parse(ARGV("-V"), &c), CLI_VERSION);
	cr_assert_eq(parse(ARGV("--version"), &c), CLI_VERSION);
	/* the first one wins; what follows is not read */
	cr_assert_eq(parse(ARGV("-a", "--help", "--no-such-option"), &c), CLI_HELP);
	cr_assert_eq(parse(ARGV("-Vh"), &c), CLI_VERSION);
	cr_assert_eq(parse(ARGV("-hV"), &c), CLI_HELP);
}

Test(cli, usage_names_every_option)
{
	char *u = usage();

	cr_assert(!strncmp(u, "usage: ldwatch [options] ", 25));
	for (const char *const *o = (const char *const[]){ "--all", "--pid", "--cgroup",
		"--container", "--json", "--loads", "--output", "--duration", "--ring-size",
		"--no-uprobes", "--verbose", "--help", "--version", "--color", NULL }; *o; o++)
		cr_assert_not_null(strstr(u, *o), "%s", *o);
	cr_assert_eq(u[strlen(u) - 1], '\n');
	free(u);
}

/* each value of opt refused, with the message fmt makes of it */
static void bad_values(const char *opt, const char *fmt, const char *const *values)
{
	for (; *values; values++) {
		char msg[512];

		snprintf(msg, sizeof(msg), fmt, *values);
		bad(ARGV((char *)opt, (char *)*values), msg);
	}
}

Test(cli, bad_pid)
{
	bad_values("-p", "-p needs a process id, not '%s'", (const char *const[]){
		"abc", "0", "-3", "12x", "", "2147483648", "99999999999999999999", NULL });
	bad(ARGV("--pid=0x10"), "-p needs a process id, not '0x10'");
}

Test(cli, bad_duration)
{
	bad_values("--duration", "--duration needs a positive number of seconds, not '%s'",
		   (const char *const[]){ "-1", "0", "abc", "1s", "nan", "inf", "1.1e9", "", NULL });
	bad(ARGV("-d", "-0.5"), "--duration needs a positive number of seconds, not '-0.5'");
}

Test(cli, bad_output_cgroup_container)
{
	char id[130];

	bad(ARGV("--output="), "-o needs a file name");
	bad(ARGV("-o", ""), "-o needs a file name");
	bad(ARGV("--cgroup", ""), "--cgroup needs a cgroup path");
	memset(id, 'a', 129);
	id[129] = '\0';
	bad_values("--container", "--container needs a container id (or its first characters), "
		   "not '%s'", (const char *const[]){ "a/b", "", "a b", "x:y", id, NULL });
}

Test(cli, bad_ring_size)
{
	bad_values("--ring-size", "--ring-size needs a power of two from 4K to 1024M "
		   "(bytes, or with K or M), not '%s'", (const char *const[]){
		"1000", "2048", "3M", "2048M", "2G", "4k5", "abc", "-4096", "", "0", "1025M", NULL });
}

Test(cli, missing_argument)
{
	static const char *const opts[] = { "-o", "-p", "-d", "--output", "--pid", "--duration",
					    "--cgroup", "--container", "--ring-size", NULL };

	for (const char *const *o = opts; *o; o++) {
		char msg[64];

		snprintf(msg, sizeof(msg), "option '%s' needs an argument", *o);
		bad(ARGV((char *)*o), msg);
	}
	bad(ARGV("-a", "-p"), "option '-p' needs an argument");
}

Test(cli, unknown_option)
{
	bad(ARGV("--no-such-option"), "unknown option '--no-such-option'");
	bad(ARGV("-x"), "unknown option '-x'");
	bad(ARGV("-a", "-q"), "unknown option '-q'");
	/* a flag takes no value; an abbreviation of two is neither */
	bad(ARGV("--all=1"), "unknown option '--all=1'");
	bad(ARGV("--ver"), "unknown option '--ver'");
	bad(ARGV("--c", "x"), "unknown option '--c'");
}

Test(cli, command_rules)
{
	bad(ARGV("--"), "a command must follow '--'");
	bad(ARGV("-a", "--"), "a command must follow '--'");
	bad(ARGV("-p", "1", "--", "true"), "-p and -- CMD cannot be combined");
}
