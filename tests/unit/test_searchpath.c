/* test_searchpath.c: searchpath.c, the search lists' strings as ld.so reads them */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searchpath.h"

static const char *const sysdirs[] = { "/lib/x86_64-linux-gnu/", "/usr/lib/", NULL };
static const struct resolve_env env = { .sysdirs = sysdirs, .lib = "lib64", .platform = "haswell" };

/* "entry=dir" of each element, for exact assertions */
static const char *split(const char *s, const char *seps, const char *origin, bool is_exec,
			 const struct resolve_env *e)
{
	static char buf[1024];
	struct searchpath l;
	size_t len = 0;

	cr_assert_eq(searchpath_split(s, seps, origin, is_exec, e, &l), 0);
	buf[0] = '\0';
	for (unsigned i = 0; i < l.n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s=%s", i ? " " : "",
					l.d[i].entry, l.d[i].dir);
	searchpath_free(&l);
	return buf;
}

Test(searchpath, origin_is_the_directory)
{
	char *o;

	cr_assert_str_eq(o = searchpath_origin("/usr/bin/ls", NULL), "/usr/bin");
	free(o);
	cr_assert_str_eq(o = searchpath_origin("/ls", NULL), "/");
	free(o);
	cr_assert_str_eq(o = searchpath_origin("bin/ls", "/work"), "/work/bin");
	free(o);
	cr_assert_str_eq(o = searchpath_origin("ls", "/"), "/");
	free(o);
	/* not resolved through links or "..": ld.so keeps the name as found */
	cr_assert_str_eq(o = searchpath_origin("/a/../b/x", NULL), "/a/../b");
	free(o);
	cr_assert_null(searchpath_origin("bin/ls", NULL));
	cr_assert_null(searchpath_origin(NULL, "/"));
	cr_assert_null(searchpath_origin("", "/"));
}

Test(searchpath, split_as_fillin_rpath)
{
	cr_assert_str_eq(split("/a::/b//:/a/:/", ":", NULL, false, &env), "/a=/a/ = /b//=/b/ /=/");
	cr_assert_str_eq(split("/x;/y:/z", ":;", NULL, false, &env), "/x=/x/ /y=/y/ /z=/z/");
	cr_assert_str_eq(split("/x;/y", ":", NULL, false, &env), "/x;/y=/x;/y/");
	cr_assert_str_eq(split("rel", ":", NULL, false, &env), "rel=rel/");
}

Test(searchpath, dsts_expanded_or_the_element_dropped)
{
	struct resolve_env e = env;

	cr_assert_str_eq(split("$ORIGIN/../$LIB:${ORIGIN}:/p/${PLATFORM}/x", ":", "/o", false, &e),
			 "$ORIGIN/../$LIB=/o/../lib64/ ${ORIGIN}=/o/ /p/${PLATFORM}/x=/p/haswell/x/");
	/* not DSTs: a longer name, an unclosed brace, an unknown one */
	cr_assert_str_eq(split("/$ORIGINX:/${ORIGIN:/$FOO", ":", "/o", false, &e),
			 "/$ORIGINX=/$ORIGINX/ /${ORIGIN=/${ORIGIN/ /$FOO=/$FOO/");
	/* no value: dropped */
	e.platform = NULL;
	cr_assert_str_eq(split("/p/$PLATFORM:$ORIGIN:/k", ":", NULL, false, &e), "/k=/k/");
	cr_assert(searchpath_has_dst("a$LIB"));
	cr_assert(searchpath_has_dst("${ORIGIN}/x"));
	cr_assert_not(searchpath_has_dst("$ORIGINAL $LIBS ${LIB"));
}

Test(searchpath, secure_mode)
{
	struct resolve_env e = env;

	e.secure = 1;
	/* only a leading $ORIGIN, whole or followed by '/' */
	cr_assert_str_eq(split("$ORIGIN/x:/y/$ORIGIN:$ORIGINAL", ":", "/o", false, &e),
			 "$ORIGIN/x=/o/x/ $ORIGINAL=$ORIGINAL/");
	/* the executable's must land in a system directory once ./, ../ and // fold */
	cr_assert_str_eq(split("$ORIGIN/../../..//usr/./lib/:$ORIGIN/x", ":", "/opt/pkg/bin", true, &e),
			 "$ORIGIN/../../..//usr/./lib/=/opt/pkg/bin/../../..//usr/./lib/");
	cr_assert_str_eq(split("$ORIGIN", ":", "/usr/lib", true, &e), "$ORIGIN=/usr/lib/");
	cr_assert_str_eq(split("$ORIGIN/./../lib", ":", "/usr/lib", true, &e), "$ORIGIN/./../lib=/usr/lib/./../lib/");
	cr_assert_str_eq(split("$ORIGIN/./../../opt", ":", "/usr/lib", true, &e), "");
	/* $LIB and $PLATFORM are the loader's own: never checked */
	cr_assert_str_eq(split("/opt/$LIB", ":", "/usr/lib", true, &e), "/opt/$LIB=/opt/lib64/");
}

Test(searchpath, fixed_dirs)
{
	struct searchpath l;

	cr_assert_eq(searchpath_dirs(sysdirs, &l), 0);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.d[1].dir, "/usr/lib/");
	searchpath_free(&l);
	cr_assert_eq(searchpath_dirs(NULL, &l), 0);
	cr_assert_eq(l.n, 0);
	searchpath_free(&l);
}
