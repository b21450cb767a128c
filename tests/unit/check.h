/* check.h — the unit tests' few macros. Each test program prints one line
 * per failure with file:line and ends with "N passed, N failed"; its exit
 * status is non-zero if anything failed. */
#ifndef YZF_CHECK_H
#define YZF_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(cond) do { \
	if (cond) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: CHECK(%s) failed\n", \
				     __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
	if (check_a_ == check_b_) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
		__FILE__, __LINE__, #a, check_a_, #b, check_b_); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *check_a_ = (a), *check_b_ = (b); \
	if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", \
		__FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)", \
		check_b_ ? check_b_ : "(null)"); } \
} while (0)

/* Substring test, for messages that must name a field or rule. */
#define CHECK_HAS(hay, needle) do { \
	const char *check_h_ = (hay); \
	if (check_h_ && strstr(check_h_, (needle))) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", \
		__FILE__, __LINE__, check_h_ ? check_h_ : "(null)", (needle)); } \
} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_pass, check_fail);
	return check_fail ? 1 : 0;
}
#endif
