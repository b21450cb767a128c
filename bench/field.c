/* bench/field — what the field devices cost the terminal.
 *
 * One section a function, each printing its figures; main runs them all.
 *   nmea  NMEA 0183 sentences parsed per second (yzf_nmea_parse), and
 *         parsed and folded into fixes (yzf_nmea_fix_feed), over the
 *         receiver captures of tests/data/nmea (the folder is argv[1])
 *         loaded into memory; as the baseline, in the same run, a raw pass
 *         over the same bytes: split into lines with memchr and each line's
 *         checksum computed, the least any NMEA reader must do. Prints the
 *         rates and parse / raw.
 * Timing never fails the run; exit 1 only when something functional
 * fails (a capture missing, a sentence refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yzf/yzf.h>

#define MIN_SECONDS 1.0

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *p = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		p = n > 0 ? malloc((size_t)n) : NULL;
		if (p && (fseek(f, 0, SEEK_SET) != 0 ||
			  fread(p, 1, (size_t)n, f) != (size_t)n)) {
			free(p);
			p = NULL;
		}
		*len = p ? (size_t)n : 0;
	}
	fclose(f);
	return p;
}

/* The captures' sentence lines only (comments dropped), one buffer. */
static char *load_sentences(const char *dir, size_t *len, long *count)
{
	static const char *logs[] = { "bu353s4.log", "beidou-bd.log",
				      "beidou-gb.log", "nmea-fuzzy-cases.log" };
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	*count = 0;
	for (size_t i = 0; buf && i < sizeof logs / sizeof logs[0]; i++) {
		size_t flen;
		char *text = slurp(dir, logs[i], &flen);
		if (!text) {
			fprintf(stderr, "field: cannot read %s/%s\n", dir, logs[i]);
			free(buf);
			return NULL;
		}
		for (size_t at = 0; at < flen;) {
			char *nl = memchr(text + at, '\n', flen - at);
			size_t end = nl ? (size_t)(nl - text) + 1 : flen;
			size_t s = at;
			while (s < end && text[s] == ' ')
				s++;
			if (s < end && text[s] == '$') {
				while (buf && n + (end - s) > cap) {
					char *m = realloc(buf, cap *= 2);
					if (!m)
						free(buf);
					buf = m;
				}
				if (!buf)
					break;
				memcpy(buf + n, text + s, end - s);
				n += end - s;
				(*count)++;
			}
			at = end;
		}
		free(text);
	}
	*len = n;
	return buf;
}

/* The baseline: lines by memchr, each line's XOR checksum. */
static unsigned raw_pass(const char *buf, size_t len)
{
	unsigned acc = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - buf) : len;
		unsigned sum = 0;
		for (size_t i = at + 1; i < end && buf[i] != '*'; i++)
			sum ^= (unsigned char)buf[i];
		acc += sum;
		at = end + 1;
	}
	return acc;
}

static long parse_pass(const char *buf, size_t len, bool fold,
		       struct yzf_nmea_fix *acc, long *fixes)
{
	long refused = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - buf) : len;
		struct yzf_nmea_sentence st;
		struct yzf_fix f;
		bool ready;
		int rc = fold ? yzf_nmea_fix_feed(acc, buf + at, end - at, &f,
						  &ready)
			      : yzf_nmea_parse(buf + at, end - at, &st);
		if (rc != YZF_OK && rc != YZF_ENOTFOUND)
			refused++;
		if (fold && rc == YZF_OK && ready)
			(*fixes)++;
		at = end + 1;
	}
	return refused;
}

static int bench_nmea(const char *dir)
{
	size_t len;
	long count, rounds, fixes = 0, refused = 0;
	char *buf = load_sentences(dir, &len, &count);
	if (!buf || count == 0)
		return 1;
	volatile unsigned sink = 0;
	double t0 = now_s(), t;
	for (rounds = 0; (t = now_s() - t0) < MIN_SECONDS; rounds++)
		sink += raw_pass(buf, len);
	double raw = (double)count * (double)rounds / t;
	double raw_mb = (double)len * (double)rounds / t / 1e6;

	t0 = now_s();
	for (rounds = 0; (t = now_s() - t0) < MIN_SECONDS; rounds++)
		refused += parse_pass(buf, len, false, NULL, NULL);
	double parse = (double)count * (double)rounds / t;

	struct yzf_nmea_fix acc;
	yzf_nmea_fix_init(&acc);
	t0 = now_s();
	for (rounds = 0; (t = now_s() - t0) < MIN_SECONDS; rounds++)
		refused += parse_pass(buf, len, true, &acc, &fixes);
	double fold = (double)count * (double)rounds / t;
	(void)sink;

	printf("nmea: %ld sentences, %zu bytes (4 receiver captures)\n", count,
	       len);
	printf("nmea: raw pass (memchr lines + checksum): %12.0f lines/s "
	       "(%.0f MB/s)\n", raw, raw_mb);
	printf("nmea: yzf_nmea_parse:                     %12.0f sentences/s\n",
	       parse);
	printf("nmea: parse + fold into fixes:            %12.0f sentences/s "
	       "(%.0f fixes/s)\n", fold, (double)fixes / t);
	printf("nmea: parse / raw = %.2f, parse + fold / raw = %.2f\n",
	       parse / raw, fold / raw);
	free(buf);
	if (refused) {
		fprintf(stderr, "nmea: %ld sentences refused\n", refused);
		return 1;
	}
	return 0;
}

int bench_field_recorder(void); /* field_rec.c */

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: field tests/data/nmea\n");
		return 2;
	}
	int rc = bench_nmea(argv[1]);
	return rc || bench_field_recorder() ? 1 : 0;
}
