/* yzf authority — the city side of certificates, for deployments before
 * the sync daemon and for tests: make the province root and the city
 * issuing key, issue feed certificates for enrollment requests, revoke,
 * and open a wiped terminal's store with the city's sealing key.
 *
 * Keys are files in --dir, hex, mode 0600: root.sk (Ed25519), city.sk
 * (Ed25519), city.seal.sk (X25519). A real deployment keeps the root
 * offline and the city keys in an HSM; the formats do not change. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "cli.h"
#include "yzf_port_linux.h"
#include "yzf_port_sim.h"

struct authority {
	const char *dir;
	struct yzf_signed_cert root, city;
	char *trust;          /* trust.ndjson: root line, city line */
	size_t trust_len;
};

static void path_of(const char *dir, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

/* Read a hex secret file into sodium_malloc'd memory. */
static uint8_t *read_secret(const char *dir, const char *name, size_t n)
{
	char path[4096], *hex = NULL;
	size_t len;
	path_of(dir, name, path, sizeof path);
	if (cli_read_file(path, &hex, &len)) {
		fprintf(stderr, "yzf authority: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	uint8_t *k = sodium_malloc(n);
	size_t got = 0;
	if (k && (sodium_hex2bin(k, n, hex, len, "\n", &got, NULL) != 0 ||
		  got != n)) {
		fprintf(stderr, "yzf authority: %s: not %zu bytes of hex\n",
			path, n);
		sodium_free(k);
		k = NULL;
	}
	sodium_memzero(hex, len);
	free(hex);
	return k;
}

static int write_secret(const char *dir, const char *name, const uint8_t *k,
			size_t n)
{
	char path[4096], hex[2 * 64 + 2];
	path_of(dir, name, path, sizeof path);
	sodium_bin2hex(hex, sizeof hex, k, n);
	hex[2 * n] = '\n';
	int rc = cli_write_file(path, hex, 2 * n + 1, 0600);
	sodium_memzero(hex, sizeof hex);
	if (rc)
		fprintf(stderr, "yzf authority: %s: %s\n", path, strerror(errno));
	return rc;
}

static int load(struct authority *a)
{
	char path[4096];
	path_of(a->dir, "trust.ndjson", path, sizeof path);
	if (cli_read_file(path, &a->trust, &a->trust_len)) {
		fprintf(stderr, "yzf authority: %s: %s (run authority init)\n",
			path, strerror(errno));
		return EXIT_NOTFOUND;
	}
	const uint8_t *p = (const uint8_t *)a->trust;
	const uint8_t *nl = memchr(p, '\n', a->trust_len);
	struct yzf_canon_err e;
	if (!nl || yzf_cert_unline(p, (size_t)(nl - p), &a->root, &e) ||
	    yzf_cert_unline(nl + 1, a->trust_len - (size_t)(nl + 1 - p) - 1,
			    &a->city, &e) ||
	    yzf_cert_chain_ok(&a->root, &a->city, NULL, NULL, 0)) {
		fprintf(stderr, "yzf authority: %s: damaged trust bundle\n", path);
		return EXIT_VERIFY;
	}
	return EXIT_OK;
}

static int now_ms(struct cli *c, const char *dir, int64_t *ms, int32_t *tz)
{
	const char *at = cli_opt(c, "at");
	if (at) {
		if (!yzf_time_parse(at, strlen(at), ms, tz)) {
			fprintf(stderr, "yzf authority: --at: a time like "
				"2026-11-27T09:00:00.000+08:00\n");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	/* the port's clock, so a simulated terminal and its city agree */
	struct yzf_port *p;
	if (strcmp(c->port_name, "sim") == 0) {
		struct yzf_sim_opts o;
		yzf_sim_opts_from_env(&o);
		p = yzf_port_sim_create(dir, &o);
	} else {
		p = yzf_port_linux_create(dir);
	}
	if (!p)
		return EXIT_SYSTEM;
	int rc = p->clock_wall(p->ctx, ms, tz);
	if (strcmp(c->port_name, "sim") == 0)
		yzf_port_sim_destroy(p);
	else
		yzf_port_linux_destroy(p);
	return rc ? EXIT_SYSTEM : EXIT_OK;
}

static int auth_init(struct cli *c, const char *dir)
{
	const char *rn = cli_opt(c, "root-name"), *cn = cli_opt(c, "city-name"),
		   *region = cli_opt(c, "region"), *years = cli_opt(c, "years");
	struct yzf_cert root = { 0 }, city = { 0 };
	struct yzf_buf out = { 0 };
	char path[4096], msg[200];
	int64_t now;
	int32_t tz;
	int ec;
	if (!rn || !cn || !region) {
		fprintf(stderr, "yzf authority init: --root-name, --city-name and "
			"--region are required\n");
		return EXIT_USAGE;
	}
	path_of(dir, "trust.ndjson", path, sizeof path);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "yzf authority init: %s exists: an authority is "
			"already here\n", path);
		return EXIT_STATE;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		perror(dir);
		return EXIT_SYSTEM;
	}
	if ((ec = now_ms(c, dir, &now, &tz)))
		return ec;
	uint8_t *rsk = sodium_malloc(64), *csk = sodium_malloc(64),
		*ssk = sodium_malloc(32);
	if (!rsk || !csk || !ssk) {
		ec = EXIT_SYSTEM;
		goto out;
	}
	int64_t span = (years ? atoll(years) : 20) * 365LL * 86400000LL;
	root.kind = YZF_CERT_ROOT;
	randombytes_buf(root.serial, YZF_SERIAL_LEN);
	crypto_sign_keypair(root.key, rsk);
	memcpy(root.issuer, root.key, YZF_KEY_LEN);
	snprintf(root.name, sizeof root.name, "%s", rn);
	root.not_before = now - 86400000LL;
	root.not_after = now + span;
	root.tz = tz;
	city = root;
	city.kind = YZF_CERT_CITY;
	randombytes_buf(city.serial, YZF_SERIAL_LEN);
	crypto_sign_keypair(city.key, csk);
	crypto_box_keypair(city.seal, ssk);
	snprintf(city.name, sizeof city.name, "%s", cn);
	snprintf(city.region, sizeof city.region, "%s", region);
	if (yzf_cert_check(&root, msg, sizeof msg) ||
	    yzf_cert_check(&city, msg, sizeof msg)) {
		fprintf(stderr, "yzf authority init: %s\n", msg);
		ec = EXIT_INPUT;
		goto out;
	}
	if (yzf_cert_sign_line(&root, rsk, &out) || (yzf_buf_putc(&out, '\n'), 0) ||
	    yzf_cert_sign_line(&city, rsk, &out)) {
		ec = EXIT_SYSTEM;
		goto out;
	}
	yzf_buf_putc(&out, '\n');
	ec = EXIT_SYSTEM;
	if (write_secret(dir, "root.sk", rsk, 64) ||
	    write_secret(dir, "city.sk", csk, 64) ||
	    write_secret(dir, "city.seal.sk", ssk, 32) ||
	    cli_write_file(path, out.p, out.len, 0644))
		goto out;
	char rh[65], ch[65];
	cli_hex(root.key, YZF_KEY_LEN, rh);
	cli_hex(city.key, YZF_KEY_LEN, ch);
	printf("authority in %s\n  root %s  %s\n  city %s  %s (%s)\n", dir, rh,
	       rn, ch, cn, region);
	ec = EXIT_OK;
out:
	sodium_free(rsk);
	sodium_free(csk);
	sodium_free(ssk);
	yzf_buf_free(&out);
	return ec;
}

static int auth_issue(struct cli *c, struct authority *a)
{
	const char *req = cli_opt(c, "request"), *name = cli_opt(c, "name"),
		   *no = cli_opt(c, "officer-no"), *agency = cli_opt(c, "agency"),
		   *uscc = cli_opt(c, "uscc"), *roles = cli_opt(c, "roles"),
		   *days = cli_opt(c, "days"), *outp = cli_opt(c, "out");
	struct yzf_cert fc = { 0 };
	struct yzf_buf line = { 0 };
	struct yzf_canon_err e;
	char *rq = NULL, msg[200], path[4096];
	size_t rl;
	int64_t now;
	int32_t tz;
	int ec;
	if (!req || !name || !no || !agency || !uscc) {
		fprintf(stderr, "yzf authority issue: --request --name "
			"--officer-no --agency --uscc are required\n");
		return EXIT_USAGE;
	}
	if (cli_read_file(req, &rq, &rl)) {
		perror(req);
		return EXIT_NOTFOUND;
	}
	while (rl > 0 && (rq[rl - 1] == '\n' || rq[rl - 1] == '\r'))
		rl--;
	fc.kind = YZF_CERT_FEED;
	if (yzf_request_parse((const uint8_t *)rq, rl, fc.key, fc.terminal, &e)) {
		fprintf(stderr, "yzf authority issue: request refused: %s\n",
			e.why);
		free(rq);
		return EXIT_INPUT;
	}
	free(rq);
	if ((ec = now_ms(c, a->dir, &now, &tz)))
		return ec;
	randombytes_buf(fc.serial, YZF_SERIAL_LEN);
	memcpy(fc.issuer, a->city.c.key, YZF_KEY_LEN);
	snprintf(fc.name, sizeof fc.name, "%s", name);
	snprintf(fc.officer_no, sizeof fc.officer_no, "%s", no);
	snprintf(fc.agency, sizeof fc.agency, "%s", agency);
	snprintf(fc.uscc, sizeof fc.uscc, "%s", uscc);
	fc.roles = yzf_roles_parse(roles ? roles : "officer");
	/* a little slack for a terminal whose clock runs behind the city's */
	fc.not_before = now - 10 * 60000LL;
	fc.not_after = now + (days ? atoll(days) : 365) * 86400000LL;
	fc.tz = tz;
	if (yzf_cert_check(&fc, msg, sizeof msg)) {
		fprintf(stderr, "yzf authority issue: %s\n", msg);
		return EXIT_INPUT;
	}
	uint8_t *csk = read_secret(a->dir, "city.sk", 64);
	if (!csk)
		return EXIT_NOTFOUND;
	int rc = yzf_cert_sign_line(&fc, csk, &line);
	sodium_free(csk);
	if (rc) {
		yzf_buf_free(&line);
		return EXIT_SYSTEM;
	}
	yzf_buf_putc(&line, '\n');
	/* record what was issued before handing it out */
	path_of(a->dir, "issued.ndjson", path, sizeof path);
	FILE *f = fopen(path, "ab");
	if (!f || fwrite(line.p, 1, line.len, f) != line.len || fflush(f) ||
	    fsync(fileno(f))) {
		perror(path);
		if (f)
			fclose(f);
		yzf_buf_free(&line);
		return EXIT_SYSTEM;
	}
	fclose(f);
	struct yzf_buf bundle = { 0 };
	yzf_buf_put(&bundle, a->trust, a->trust_len);
	yzf_buf_put(&bundle, line.p, line.len);
	ec = EXIT_OK;
	if (outp ? cli_write_file(outp, bundle.p, bundle.len, 0644)
		 : fwrite(bundle.p, 1, bundle.len, stdout) != bundle.len) {
		perror(outp ? outp : "stdout");
		ec = EXIT_SYSTEM;
	}
	char sh[33];
	cli_hex(fc.serial, YZF_SERIAL_LEN, sh);
	fprintf(stderr, "issued certificate %s to %s (%s) on terminal %s\n", sh,
		name, no, fc.terminal);
	yzf_buf_free(&line);
	yzf_buf_free(&bundle);
	return ec;
}

static int auth_revoke(struct cli *c, struct authority *a)
{
	const char *serial = cli_opt(c, "serial"), *reason = cli_opt(c, "reason");
	struct yzf_revocation r = { 0 };
	struct yzf_buf line = { 0 };
	char path[4096];
	int ec;
	if (!serial || !reason ||
	    sodium_hex2bin(r.serial, YZF_SERIAL_LEN, serial, strlen(serial),
			   NULL, NULL, NULL) || strlen(serial) != 32) {
		fprintf(stderr, "yzf authority revoke: --serial HEX32 --reason "
			"TEXT\n");
		return EXIT_USAGE;
	}
	snprintf(r.reason, sizeof r.reason, "%s", reason);
	if ((ec = now_ms(c, a->dir, &r.at_ms, &r.tz)))
		return ec;
	uint8_t *csk = read_secret(a->dir, "city.sk", 64);
	if (!csk)
		return EXIT_NOTFOUND;
	int rc = yzf_revocation_sign_line(&r, csk, &line);
	sodium_free(csk);
	yzf_buf_putc(&line, '\n');
	path_of(a->dir, "revoked.ndjson", path, sizeof path);
	FILE *f = rc ? NULL : fopen(path, "ab");
	if (!f || fwrite(line.p, 1, line.len, f) != line.len || fflush(f) ||
	    fsync(fileno(f))) {
		fprintf(stderr, "yzf authority revoke: %s failed\n", path);
		ec = EXIT_SYSTEM;
	} else {
		printf("revoked %s: %s\n", serial, reason);
	}
	if (f)
		fclose(f);
	yzf_buf_free(&line);
	return ec;
}

/* Append a file's bytes (missing: nothing issued or revoked yet). */
static int put_file(const char *dir, const char *name, struct yzf_buf *out)
{
	char path[4096], *p;
	size_t n;
	path_of(dir, name, path, sizeof path);
	if (cli_read_file(path, &p, &n))
		return errno == ENOENT ? EXIT_OK : EXIT_SYSTEM;
	yzf_buf_put(out, p, n);
	if (n && p[n - 1] != '\n')
		yzf_buf_putc(out, '\n');
	free(p);
	return EXIT_OK;
}

/* The roster an offline QR verifier holds (yzf/roster.h): the trust
 * bundle, every certificate issued and revocation signed, and a header
 * signed now over all of it, whose time is the roster's date. */
static int auth_roster(struct cli *c, struct authority *a)
{
	const char *outp = cli_opt(c, "out"), *ver = cli_opt(c, "version");
	struct yzf_buf b = { 0 };
	struct yzf_refset s = { .version = ver ? atoll(ver) : 1 };
	int ec;
	yzf_buf_put(&b, a->trust, a->trust_len);
	if ((ec = put_file(a->dir, "issued.ndjson", &b)) ||
	    (ec = put_file(a->dir, "revoked.ndjson", &b)) ||
	    (ec = now_ms(c, a->dir, &s.at_ms, &s.tz))) {
		yzf_buf_free(&b);
		return ec;
	}
	strcpy(s.name, "roster");
	s.size = (int64_t)b.len;
	crypto_generichash(s.hash, sizeof s.hash, b.p, b.len, NULL, 0);
	uint8_t *csk = read_secret(a->dir, "city.sk", 64);
	if (!csk) {
		yzf_buf_free(&b);
		return EXIT_NOTFOUND;
	}
	int rc = yzf_refset_sign_line(&s, csk, &b);
	sodium_free(csk);
	yzf_buf_putc(&b, '\n');
	ec = rc ? EXIT_SYSTEM : EXIT_OK;
	if (!ec && (outp ? cli_write_file(outp, b.p, b.len, 0644)
			 : fwrite(b.p, 1, b.len, stdout) != b.len)) {
		perror(outp ? outp : "stdout");
		ec = EXIT_SYSTEM;
	}
	yzf_buf_free(&b);
	return ec;
}

/* Walk a file of lines, calling fn on each non-empty one. */
static void each_line(const char *path, void (*fn)(void *, const uint8_t *,
						   size_t), void *arg)
{
	char *d;
	size_t len, s = 0;
	if (cli_read_file(path, &d, &len))
		return;
	while (s < len) {
		size_t e = s;
		while (e < len && d[e] != '\n')
			e++;
		if (e > s)
			fn(arg, (const uint8_t *)d + s, e - s);
		s = e + 1;
	}
	free(d);
}

struct show_ctx {
	struct authority *a;
	cJSON *issued, *revoked;
	bool json;
};

static void show_issued(void *arg, const uint8_t *l, size_t n)
{
	struct show_ctx *s = arg;
	struct yzf_signed_cert sc;
	char sh[33], kh[65], nb[32], na[32];
	if (yzf_cert_unline(l, n, &sc, NULL) ||
	    !yzf_cert_sig_ok(&sc, s->a->city.c.key)) {
		if (s->json)
			cJSON_AddItemToArray(s->issued,
					     cJSON_CreateString("damaged line"));
		else
			printf("  (damaged line in issued.ndjson)\n");
		return;
	}
	cli_hex(sc.c.serial, YZF_SERIAL_LEN, sh);
	cli_hex(sc.c.key, YZF_KEY_LEN, kh);
	cli_time(sc.c.not_before, sc.c.tz, nb);
	cli_time(sc.c.not_after, sc.c.tz, na);
	if (s->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "serial", sh);
		cJSON_AddStringToObject(o, "feed", kh);
		cJSON_AddStringToObject(o, "name", sc.c.name);
		cJSON_AddStringToObject(o, "officer_no", sc.c.officer_no);
		cJSON_AddStringToObject(o, "agency", sc.c.agency);
		cJSON_AddStringToObject(o, "terminal", sc.c.terminal);
		cJSON_AddStringToObject(o, "not_before", nb);
		cJSON_AddStringToObject(o, "not_after", na);
		cJSON_AddItemToArray(s->issued, o);
		return;
	}
	printf("  %s  %s %s  %s  terminal %s  feed %.16s…  %s .. %s\n", sh,
	       sc.c.officer_no, sc.c.name, sc.c.agency, sc.c.terminal, kh, nb,
	       na);
}

static void show_revoked(void *arg, const uint8_t *l, size_t n)
{
	struct show_ctx *s = arg;
	struct yzf_revocation r;
	char sh[33], at[32];
	if (yzf_revocation_parse(l, n, s->a->city.c.key, &r, NULL)) {
		if (s->json)
			cJSON_AddItemToArray(s->revoked,
					     cJSON_CreateString("damaged line"));
		else
			printf("  (damaged line in revoked.ndjson)\n");
		return;
	}
	cli_hex(r.serial, YZF_SERIAL_LEN, sh);
	cli_time(r.at_ms, r.tz, at);
	if (s->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "serial", sh);
		cJSON_AddStringToObject(o, "at", at);
		cJSON_AddStringToObject(o, "reason", r.reason);
		cJSON_AddItemToArray(s->revoked, o);
		return;
	}
	printf("  %s  revoked %s: %s\n", sh, at, r.reason);
}

static int auth_show(struct cli *c, struct authority *a)
{
	char rh[65], ch[65], path[4096];
	struct show_ctx s = { .a = a, .json = c->json };
	cJSON *root = NULL;
	cli_hex(a->root.c.key, YZF_KEY_LEN, rh);
	cli_hex(a->city.c.key, YZF_KEY_LEN, ch);
	if (s.json) {
		root = cJSON_CreateObject();
		cJSON_AddStringToObject(root, "root_key", rh);
		cJSON_AddStringToObject(root, "root_name", a->root.c.name);
		cJSON_AddStringToObject(root, "city_key", ch);
		cJSON_AddStringToObject(root, "city_name", a->city.c.name);
		cJSON_AddStringToObject(root, "region", a->city.c.region);
		s.issued = cJSON_AddArrayToObject(root, "issued");
		s.revoked = cJSON_AddArrayToObject(root, "revoked");
	} else {
		printf("root %s  %s\ncity %s  %s (%s)\nissued:\n", rh,
		       a->root.c.name, ch, a->city.c.name, a->city.c.region);
	}
	path_of(a->dir, "issued.ndjson", path, sizeof path);
	each_line(path, show_issued, &s);
	if (!s.json)
		printf("revoked:\n");
	path_of(a->dir, "revoked.ndjson", path, sizeof path);
	each_line(path, show_revoked, &s);
	if (root) {
		char *txt = cJSON_PrintUnformatted(root);
		printf("%s\n", txt ? txt : "{}");
		free(txt);
		cJSON_Delete(root);
	}
	return EXIT_OK;
}

static int auth_recover(struct cli *c, struct authority *a)
{
	const char *home = cli_opt(c, "store-home");
	if (!home) {
		fprintf(stderr, "yzf authority recover: --store-home DIR\n");
		return EXIT_USAGE;
	}
	uint8_t *ssk = read_secret(a->dir, "city.seal.sk", 32);
	if (!ssk)
		return EXIT_NOTFOUND;
	c->home = home;
	int ec = cli_open(c, false);
	if (ec) {
		sodium_free(ssk);
		return ec;
	}
	int rc = yzf_unlock_city(c->y, a->city.c.seal, ssk);
	sodium_free(ssk);
	if (rc)
		return cli_fail(c, rc, "recover");
	uint8_t feeds[64][YZF_KEY_LEN];
	size_t n;
	if ((rc = yzf_feeds(c->y, feeds, 64, &n)))
		return cli_fail(c, rc, "recover");
	printf("data key unsealed with the city key; %zu feeds\n", n);
	for (size_t i = 0; i < n && i < 64; i++) {
		struct yzf_verify_report r;
		char hex[65];
		cli_hex(feeds[i], YZF_KEY_LEN, hex);
		if ((rc = yzf_verify_feed(c->y, feeds[i], &r)))
			return cli_fail(c, rc, "verify");
		printf("feed %.16s: %s, %lld records%s%s\n", hex,
		       r.ok ? "ok" : "BAD", (long long)r.records,
		       r.ok ? "" : ": ", r.ok ? "" : r.detail);
		if (!r.ok)
			ec = EXIT_VERIFY;
	}
	return ec;
}

int cmd_authority(struct cli *c)
{
	const char *sub = cli_arg(c, 0), *dir = cli_opt(c, "dir");
	struct authority a = { .dir = dir };
	int ec;
	if (!sub || !dir) {
		fprintf(stderr, "yzf authority init|trust|issue|revoke|show|recover|roster "
			"--dir DIR ...\n");
		return EXIT_USAGE;
	}
	if (sodium_init() < 0)
		return EXIT_SYSTEM;
	if (!strcmp(sub, "init"))
		return auth_init(c, dir);
	if ((ec = load(&a)))
		return ec;
	if (!strcmp(sub, "trust"))
		ec = fwrite(a.trust, 1, a.trust_len, stdout) == a.trust_len
			     ? EXIT_OK : EXIT_SYSTEM;
	else if (!strcmp(sub, "issue"))
		ec = auth_issue(c, &a);
	else if (!strcmp(sub, "revoke"))
		ec = auth_revoke(c, &a);
	else if (!strcmp(sub, "show"))
		ec = auth_show(c, &a);
	else if (!strcmp(sub, "recover"))
		ec = auth_recover(c, &a);
	else if (!strcmp(sub, "roster"))
		ec = auth_roster(c, &a);
	else {
		fprintf(stderr, "yzf authority: unknown subcommand %s\n", sub);
		ec = EXIT_USAGE;
	}
	free(a.trust);
	return ec;
}
