/* SPDX-License-Identifier: MIT */
/* check: ldwatch check, the static pre-flight: a file's whole load, resolved as the loader would */
#ifndef LW_CHECK_H
#define LW_CHECK_H

/* argv[0] is "check"; the exit status: 0 all load, 1 a finding is an error, 2 bad usage */
int check_main(int argc, char **argv);

#endif
