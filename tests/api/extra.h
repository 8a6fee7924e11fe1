/*
 * Stacks and receivers of a test's own, for API tests whose stacks need
 * a configuration the two shared stacks (tests/run-test) do not have:
 * started once by the test runner process (Criterion's PRE_ALL report
 * hook), shared by every test of the file, stopped at the end.  They
 * live next to the shared stacks, in BUILDDIR/tests/api/run-<test>/:
 * stack NAME in x-NAME/ (where tests/run-test looks for sanitizer
 * reports), receivers in recv/.
 */
#ifndef EXTRA_H
#define EXTRA_H

/* Stops what an earlier run left in the test's directory and empties
 * its extra part; test is the program name ("test_approvals"). */
void		 extra_init(const char *test);
/* The test's directory (BUILDDIR/tests/api/run-<test>). */
const char	*extra_dir(void);
/* Starts http-recv `name` with its options (a string, may be ""); its
 * port, or -1 (logged). */
long		 extra_recv(const char *name, const char *args);
/* The requests receiver `name` logged (request lines of method; every
 * request when method is NULL). */
int		 extra_received(const char *name, const char *method);
/* The receiver's log (malloc'ed; "" when empty). */
char		*extra_recv_log(const char *name);
/*
 * The head and body (malloc'ed, the caller's) of the first request
 * receiver `name` logged whose method is method (NULL: any), whose path
 * starts with path_prefix and whose body holds marker, waiting up to
 * 20 s for it; fails the test without one.
 */
void		 extra_request(const char *name, const char *method,
		    const char *marker, const char *path_prefix, char **head,
		    char **body);
/*
 * Starts stack `name` in extra_dir()/x-name with the environment now set
 * plus files: triples of variable, file name (in the stack's directory)
 * and contents, NULL-terminated (may be NULL).  0, or -1 (logged).
 */
int		 extra_stack(const char *name, const char *const *files);
/* For a test's .init: starts stack `name` (extra_stack), asserting it
 * started, and makes it the "json" stack of the test (extra_use). */
void		 extra_own(const char *name, const char *const *files);
/* The stack's run directory. */
const char	*extra_run(const char *name);
/* Makes stack `name` the "json" (or "sqlite") stack of this process
 * (api_use(mode)), failing the test when it did not start. */
void		 extra_use(const char *name, const char *mode);
/* Stops stack `name` (started by extra_stack()); logs a failure. */
void		 extra_stop(const char *name);
/* Stops every stack and receiver this process started. */
void		 extra_stop_all(void);
/* The integer in file path, waiting up to 20 s for it; -1 if none. */
long		 extra_number(const char *path);
/* Writes text to path, failing the test when it cannot. */
void		 extra_write(const char *path, const char *text);
/* A loopback port nothing listens on (bound, then closed). */
int		 extra_dead_port(void);

/*
 * The report hooks of a program whose tests start stacks of their own
 * (extra_own() in .init, extra_stop() in .fini), each on a line of its
 * own (Criterion names a hook by its line): EXTRA_INIT_HOOK(test) runs
 * extra_init(test) before the tests, EXTRA_STOP_HOOK extra_stop_all()
 * after them.  Both need <criterion/hooks.h>.
 */
#define EXTRA_INIT_HOOK(test)						\
	ReportHook(PRE_ALL)(struct criterion_test_set *set)		\
	{								\
		(void)set;						\
		extra_init(test);					\
	}
#define EXTRA_STOP_HOOK							\
	ReportHook(POST_ALL)(struct criterion_global_stats *stats)	\
	{								\
		(void)stats;						\
		extra_stop_all();					\
	}

#endif /* !EXTRA_H */
