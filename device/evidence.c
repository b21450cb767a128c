/* yzf evidence add|list|show|verify|export|review and yzf rec
 * start|take|gap|end|list|show: evidence files and whole-process
 * recordings over yzf/evidence.h and yzf/recording.h. Files on disk are
 * the program's business (the core never opens one): what is added is
 * read here and streamed in, what is exported is written here. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "yzf_port_linux.h"

/* ---- small helpers ---- */

static const char *media_of(const char *name)
{
	static const struct { const char *ext, *type, *kind; } t[] = {
		{ ".jpg", "image/jpeg", "photo" }, { ".jpeg", "image/jpeg", "photo" },
		{ ".png", "image/png", "photo" }, { ".heic", "image/heic", "photo" },
		{ ".pdf", "application/pdf", "scan" },
		{ ".tif", "image/tiff", "scan" }, { ".tiff", "image/tiff", "scan" },
		{ ".mp4", "video/mp4", "video" }, { ".mov", "video/quicktime", "video" },
		{ ".wav", "audio/wav", "audio" }, { ".m4a", "audio/mp4", "audio" },
		{ ".txt", "text/plain", "document" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof t / sizeof t[0]; i++)
		if (!strcasecmp(dot, t[i].ext))
			return t[i].type;
	return "application/octet-stream";
}

static const char *kind_of(const char *media)
{
	if (!strncmp(media, "image/", 6))
		return "photo";
	if (!strncmp(media, "video/", 6))
		return "video";
	if (!strncmp(media, "audio/", 6))
		return "audio";
	if (!strcmp(media, "application/pdf"))
		return "scan";
	return "file";
}

static const char *ext_of(const char *media)
{
	static const struct { const char *type, *ext; } t[] = {
		{ "image/jpeg", ".jpg" }, { "image/png", ".png" },
		{ "image/heic", ".heic" }, { "image/tiff", ".tif" },
		{ "application/pdf", ".pdf" }, { "video/mp4", ".mp4" },
		{ "video/quicktime", ".mov" }, { "video/x-matroska", ".mkv" },
		{ "video/mp2t", ".ts" }, { "audio/wav", ".wav" },
		{ "audio/mp4", ".m4a" }, { "text/plain", ".txt" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(media, t[i].type))
			return t[i].ext;
	return ".bin";
}

static bool parse_hash(const char *s, uint8_t out[32])
{
	return s && strlen(s) == 64 &&
	       sodium_hex2bin(out, 32, s, 64, NULL, NULL, NULL) == 0;
}

static const char *state_name(int st)
{
	return st == YZF_EVIDENCE_PASSED ? "passed"
	     : st == YZF_EVIDENCE_FAILED ? "failed" : "unreviewed";
}

/* An evidence item by its full hash or a unique prefix (8+ digits). */
static int find_item(struct cli *c, const char *arg, const char *case_id,
		     struct yzf_evidence_item *out)
{
	struct yzf_evidence_item *v;
	size_t n, hits = 0;
	char hex[65];
	int rc = yzf_evidence_list(c->y, case_id, &v, &n);
	if (rc)
		return cli_fail(c, rc, "evidence");
	size_t len = arg ? strlen(arg) : 0;
	for (size_t i = 0; len >= 8 && i < n; i++) {
		cli_hex(v[i].hash, 32, hex);
		if (!strncmp(hex, arg, len) &&
		    (!hits || memcmp(out->hash, v[i].hash, 32) != 0)) {
			*out = v[i];
			hits++;
		}
	}
	free(v);
	if (hits == 1)
		return EXIT_OK;
	fprintf(stderr, "yzf evidence: %s: %s\n", arg ? arg : "(none)",
		hits ? "more than one item has this prefix"
		     : "no evidence item with this hash held");
	return hits ? EXIT_USAGE : EXIT_NOTFOUND;
}

/* ---- evidence add ---- */

static int ev_add(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	const char *file = cli_arg(c, 1), *case_id = cli_opt(c, "case"),
		   *media = cli_opt(c, "media"), *src = cli_opt(c, "source");
	struct yzf_evidence_add e = { .case_id = case_id };
	struct yzf_blob_writer *w = NULL;
	uint8_t id[YZF_ID_LEN], buf[65536];
	char hex[65];
	if (!file || !case_id) {
		fprintf(stderr, "yzf evidence add FILE --case ID [--media TYPE] "
			"[--kind K] [--name N] [--source SEQ|ID] [--note T]\n");
		return EXIT_USAGE;
	}
	if (src) {
		if (!parse_hash(src, id)) {
			/* a seq of this feed: the record that took it */
			struct yzf_iter *it;
			struct yzf_entry en;
			struct yzf_query q = { .feed = feed, .from = atoll(src) };
			int rc = atoll(src) > 0 ? yzf_iter_open(c->y, &q, &it)
						: YZF_EINVAL;
			if (rc)
				return rc == YZF_EINVAL
					       ? (fprintf(stderr, "yzf evidence: "
							  "--source: a seq of "
							  "this feed or a "
							  "record id\n"),
						  EXIT_USAGE)
					       : cli_fail(c, rc, "evidence add");
			rc = yzf_iter_next(it, &en);
			bool ok = rc == 1 && en.rec.seq == q.from;
			if (ok)
				memcpy(id, en.id, YZF_ID_LEN);
			yzf_iter_close(it);
			if (!ok) {
				fprintf(stderr, "yzf evidence: --source: no record "
					"seq %s in this feed\n", src);
				return EXIT_NOTFOUND;
			}
		}
		e.source = id;
	}
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "yzf evidence: %s: %s\n", file, strerror(errno));
		return EXIT_NOTFOUND;
	}
	/* hashed and encrypted as read: the clear file is never copied */
	int rc = yzf_blob_begin(c->y, &w);
	size_t n;
	while (!rc && (n = fread(buf, 1, sizeof buf, f)) > 0)
		rc = yzf_blob_write(w, buf, n);
	if (!rc && ferror(f)) {
		fprintf(stderr, "yzf evidence: %s: read error\n", file);
		yzf_blob_abort(w);
		fclose(f);
		return EXIT_SYSTEM;
	}
	fclose(f);
	sodium_memzero(buf, sizeof buf);
	if (rc) {
		yzf_blob_abort(w);
		return cli_fail(c, rc, "evidence add");
	}
	if ((rc = yzf_blob_finish(w, e.hash, &e.size)))
		return cli_fail(c, rc, "evidence add");
	const char *base = strrchr(file, '/');
	e.media = media ? media : media_of(file);
	e.kind = cli_opt(c, "kind") ? cli_opt(c, "kind") : kind_of(e.media);
	e.name = cli_opt(c, "name") ? cli_opt(c, "name") : base ? base + 1 : file;
	e.note = cli_opt(c, "note");
	int64_t seq;
	if ((rc = yzf_evidence_add(c->y, feed, &e, &seq)))
		return cli_fail(c, rc, "evidence add");
	cli_hex(e.hash, 32, hex);
	printf("evidence %s (%llu bytes, %s) added to case %s, seq %lld\n", hex,
	       (unsigned long long)e.size, e.media, case_id, (long long)seq);
	return EXIT_OK;
}

/* ---- list, show ---- */

static int ev_list(struct cli *c)
{
	struct yzf_evidence_item *v;
	size_t n;
	char hex[65];
	int rc = yzf_evidence_list(c->y, cli_opt(c, "case"), &v, &n);
	if (rc)
		return cli_fail(c, rc, "evidence list");
	for (size_t i = 0; i < n; i++) {
		cli_hex(v[i].hash, 32, hex);
		if (c->json) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "hash", hex);
			cJSON_AddNumberToObject(o, "size", (double)v[i].size);
			cJSON_AddStringToObject(o, "media", v[i].media);
			cJSON_AddStringToObject(o, "kind", v[i].kind);
			cJSON_AddStringToObject(o, "name", v[i].name);
			cJSON_AddStringToObject(o, "case", v[i].case_id);
			cJSON_AddNumberToObject(o, "seq", (double)v[i].seq);
			cJSON_AddStringToObject(o, "review",
						state_name(v[i].state));
			char *t = cJSON_PrintUnformatted(o);
			if (t)
				puts(t);
			free(t);
			cJSON_Delete(o);
		} else {
			printf("%.16s  %10llu  %-10s %-6s %-24s %s%s%s\n", hex,
			       (unsigned long long)v[i].size, v[i].media,
			       v[i].kind, v[i].case_id, state_name(v[i].state),
			       v[i].name[0] ? "  " : "", v[i].name);
		}
	}
	free(v);
	return EXIT_OK;
}

static int ev_show(struct cli *c)
{
	struct yzf_evidence_item e;
	char hex[65], at[32], why[200];
	int ec = find_item(c, cli_arg(c, 1), cli_opt(c, "case"), &e);
	if (ec)
		return ec;
	int fault;
	int rc = yzf_blob_check(c->y, e.hash, (int64_t)e.size, &fault, why,
				sizeof why);
	if (rc)
		return cli_fail(c, rc, "evidence show");
	cli_hex(e.hash, 32, hex);
	cli_time(e.at_ms, 480, at);
	printf("hash     %s\nsize     %llu\nmedia    %s\nkind     %s\nname     %s\n"
	       "case     %s\ntaken    %s, seq %lld\n", hex,
	       (unsigned long long)e.size, e.media, e.kind,
	       e.name[0] ? e.name : "-", e.case_id, at, (long long)e.seq);
	if (e.has_source) {
		cli_hex(e.source, 32, hex);
		printf("source   record %s\n", hex);
	}
	printf("stored   %s%s%s\nreview   %s%s%s\n", yzf_blob_fault_name(fault),
	       fault ? ": " : " (decrypts, hashes to its name)",
	       fault ? why : "", state_name(e.state), e.why[0] ? ": " : "",
	       e.why);
	return fault ? EXIT_VERIFY : EXIT_OK;
}

/* ---- review ---- */

static int crit(struct cli *c, const char *name, struct yzf_evidence_crit *k)
{
	char opt[40];
	const char *v = cli_opt(c, name);
	snprintf(opt, sizeof opt, "%s-reason", name);
	k->reason = cli_opt(c, opt) ? cli_opt(c, opt) : cli_opt(c, "reason");
	if (!v || (strcmp(v, "pass") && strcmp(v, "fail")) || !k->reason) {
		fprintf(stderr, "yzf evidence review: --%s pass|fail and a "
			"reason (--reason or --%s-reason) are required\n", name,
			name);
		return EXIT_USAGE;
	}
	k->pass = !strcmp(v, "pass");
	return EXIT_OK;
}

static int ev_review(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_evidence_crit rel, leg, aut;
	struct yzf_evidence_item e;
	int64_t seq;
	char hex[65];
	int ec = crit(c, "relevance", &rel);
	if (!ec)
		ec = crit(c, "legality", &leg);
	if (!ec)
		ec = crit(c, "authenticity", &aut);
	if (!ec)
		ec = find_item(c, cli_arg(c, 1), cli_opt(c, "case"), &e);
	if (ec)
		return ec;
	int rc = yzf_evidence_review(c->y, feed, e.case_id, e.hash, &rel, &leg,
				     &aut, &seq);
	if (rc)
		return cli_fail(c, rc, "evidence review");
	cli_hex(e.hash, 32, hex);
	bool pass = rel.pass && leg.pass && aut.pass;
	printf("evidence %.16s of case %s: review %s (seq %lld)\n", hex,
	       e.case_id, pass ? "passed" : "failed", (long long)seq);
	return EXIT_OK;
}

/* ---- export ---- */

/* Write the plaintext of a held blob to path, checking it on the way:
 * nothing is left behind when it does not read back whole. */
static int write_blob(struct cli *c, const uint8_t hash[32], const char *path)
{
	struct yzf_blob_reader *r;
	uint8_t buf[65536];
	size_t n;
	uint64_t off = 0;
	int rc = yzf_blob_open(c->y, hash, &r);
	if (rc)
		return cli_fail(c, rc, "evidence export");
	FILE *f = fopen(path, "wb");
	if (!f) {
		yzf_blob_close(r);
		fprintf(stderr, "yzf evidence export: %s: %s\n", path,
			strerror(errno));
		return EXIT_SYSTEM;
	}
	while ((rc = yzf_blob_read_at(r, off, buf, sizeof buf, &n)) == YZF_OK &&
	       n) {
		if (fwrite(buf, 1, n, f) != n) {
			rc = YZF_EIO;
			break;
		}
		off += n;
	}
	sodium_memzero(buf, sizeof buf);
	yzf_blob_close(r);
	if (fclose(f) && !rc)
		rc = YZF_EIO;
	if (rc) {
		remove(path);
		return cli_fail(c, rc, "evidence export");
	}
	return EXIT_OK;
}

static int ev_export(struct cli *c)
{
	const char *out = cli_opt(c, "out"), *case_id = cli_opt(c, "case"),
		   *one = cli_arg(c, 1), *recid = cli_opt(c, "recording");
	char path[4200], hex[65], t[YZF_TIME_LEN + 1];
	int ec = EXIT_OK;
	if (!out || (!one && !case_id && !recid)) {
		fprintf(stderr, "yzf evidence export HASH | --case ID | "
			"--recording ID --out DIR\n");
		return EXIT_USAGE;
	}
	if (mkdir(out, 0700) && errno != EEXIST) {
		fprintf(stderr, "yzf evidence export: %s: %s\n", out,
			strerror(errno));
		return EXIT_SYSTEM;
	}
	cJSON *m = cJSON_CreateObject(), *items = cJSON_CreateArray(),
	      *recs = cJSON_CreateArray();
	int64_t now;
	int32_t tz;
	if (c->port->clock_wall(c->port->ctx, &now, &tz))
		now = 0, tz = 0;
	yzf_time_fmt(now, tz, t);
	cJSON_AddNumberToObject(m, "v", 1);
	cJSON_AddStringToObject(m, "kind", "yzf-evidence-export");
	cJSON_AddStringToObject(m, "exported", t);
	struct yzf_evidence_item *v = NULL;
	size_t n = 0;
	if (one) {
		struct yzf_evidence_item e;
		if ((ec = find_item(c, one, case_id, &e)))
			goto out;
		v = malloc(sizeof *v);
		if (!v) {
			ec = EXIT_SYSTEM;
			goto out;
		}
		v[0] = e;
		n = 1;
	} else if (!recid) {
		int rc = yzf_evidence_list(c->y, case_id, &v, &n);
		if (rc) {
			ec = cli_fail(c, rc, "evidence export");
			goto out;
		}
	}
	for (size_t i = 0; i < n && !ec; i++) {
		cli_hex(v[i].hash, 32, hex);
		char file[128];
		snprintf(file, sizeof file, "%s%s", hex, ext_of(v[i].media));
		snprintf(path, sizeof path, "%s/%s", out, file);
		if ((ec = write_blob(c, v[i].hash, path)))
			break;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "file", file);
		cJSON_AddStringToObject(o, "hash", hex);
		cJSON_AddNumberToObject(o, "size", (double)v[i].size);
		cJSON_AddStringToObject(o, "media", v[i].media);
		cJSON_AddStringToObject(o, "kind", v[i].kind);
		if (v[i].name[0])
			cJSON_AddStringToObject(o, "name", v[i].name);
		cJSON_AddStringToObject(o, "case", v[i].case_id);
		cJSON_AddStringToObject(o, "review", state_name(v[i].state));
		cli_hex(v[i].id, 32, hex);
		cJSON_AddStringToObject(o, "record", hex);
		cJSON_AddItemToArray(items, o);
	}
	/* recordings: one folder each, segments numbered */
	struct yzf_rec_info *ri = NULL;
	size_t nr = 0;
	if (!ec && !one) {
		int rc = yzf_rec_list(c->y, case_id, &ri, &nr);
		if (rc)
			ec = cli_fail(c, rc, "evidence export");
	}
	for (size_t k = 0; k < nr && !ec; k++) {
		if (recid && strcmp(ri[k].id, recid) != 0)
			continue;
		struct yzf_rec_seginfo *s;
		size_t ns;
		if (yzf_rec_segments_of(c->y, ri[k].id, &s, &ns))
			continue;
		char dir[64];
		snprintf(dir, sizeof dir, "rec-%.16s", ri[k].id);
		snprintf(path, sizeof path, "%s/%s", out, dir);
		mkdir(path, 0700);
		cJSON *r = cJSON_CreateObject(), *segs = cJSON_CreateArray();
		cJSON_AddStringToObject(r, "recording", ri[k].id);
		cJSON_AddStringToObject(r, "case", ri[k].case_id);
		cJSON_AddStringToObject(r, "step", ri[k].step);
		for (size_t i = 0; i < ns && !ec; i++) {
			char file[128];
			snprintf(file, sizeof file, "%s/%04lld%s", dir,
				 (long long)s[i].n, ext_of(s[i].media));
			snprintf(path, sizeof path, "%s/%s", out, file);
			ec = write_blob(c, s[i].hash, path);
			cJSON *o = cJSON_CreateObject();
			cli_hex(s[i].hash, 32, hex);
			cJSON_AddNumberToObject(o, "n", (double)s[i].n);
			cJSON_AddStringToObject(o, "file", file);
			cJSON_AddStringToObject(o, "hash", hex);
			cJSON_AddNumberToObject(o, "size", (double)s[i].size);
			cJSON_AddNumberToObject(o, "start_ms", (double)s[i].start_ms);
			cJSON_AddNumberToObject(o, "end_ms", (double)s[i].end_ms);
			cJSON_AddItemToArray(segs, o);
		}
		free(s);
		cJSON_AddItemToObject(r, "segments", segs);
		cJSON_AddItemToArray(recs, r);
	}
	free(ri);
	if (!ec) {
		cJSON_AddItemToObject(m, "items", items);
		cJSON_AddItemToObject(m, "recordings", recs);
		items = recs = NULL;
		char *txt = cJSON_Print(m);
		snprintf(path, sizeof path, "%s/manifest.json", out);
		if (!txt || cli_write_file(path, txt, strlen(txt), 0600))
			ec = EXIT_SYSTEM;
		free(txt);
		if (!ec)
			printf("exported %zu evidence item(s) and %zu recording(s) "
			       "to %s (manifest.json)\n", n,
			       (size_t)cJSON_GetArraySize(
				       cJSON_GetObjectItem(m, "recordings")),
			       out);
	}
out:
	free(v);
	cJSON_Delete(items);
	cJSON_Delete(recs);
	cJSON_Delete(m);
	return ec;
}

/* ---- verify ---- */

struct found {
	cJSON *list;
	size_t n;
};

static void report(struct cli *c, struct found *fd, const char *what,
		   const char *case_id, const char *rec, int64_t n,
		   const char *why)
{
	fd->n++;
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "what", what);
		cJSON_AddStringToObject(o, "case", case_id);
		if (rec && *rec) {
			cJSON_AddStringToObject(o, "recording", rec);
			cJSON_AddNumberToObject(o, "n", (double)n);
		}
		cJSON_AddStringToObject(o, "why", why);
		cJSON_AddItemToArray(fd->list, o);
	} else {
		printf("%s: %s%s%.16s: %s\n", what, case_id, rec && *rec ? " " : "",
		       rec ? rec : "", why);
	}
}

/* Hash a file; -1 if it cannot be read. */
static int64_t hash_file(const char *path, uint8_t h[32])
{
	crypto_generichash_state st;
	uint8_t buf[65536];
	size_t n;
	int64_t size = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	crypto_generichash_init(&st, NULL, 0, 32);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		crypto_generichash_update(&st, buf, n);
		size += (int64_t)n;
	}
	fclose(f);
	crypto_generichash_final(&st, h, 32);
	return size;
}

/* The first offset where a file differs from the held blob, or -1. */
static int64_t first_diff(struct cli *c, const char *path,
			  const uint8_t hash[32])
{
	struct yzf_blob_reader *r;
	uint8_t a[4096], b[4096];
	size_t na, nb;
	int64_t off = 0, at = -1;
	FILE *f = fopen(path, "rb");
	if (!f || yzf_blob_open(c->y, hash, &r)) {
		if (f)
			fclose(f);
		return -1;
	}
	for (;;) {
		na = fread(a, 1, sizeof a, f);
		if (yzf_blob_read_at(r, (uint64_t)off, b, na ? na : 1, &nb) ||
		    (!na && !nb))
			break;
		size_t k = na < nb ? na : nb, i = 0;
		while (i < k && a[i] == b[i])
			i++;
		if (i < k || na != nb) {
			at = off + (int64_t)i;
			break;
		}
		off += (int64_t)na;
	}
	sodium_memzero(b, sizeof b);
	yzf_blob_close(r);
	fclose(f);
	return at;
}

/* One exported file against what the signed record says it must be.
 * others: every hash the recording holds, to tell a reordered file. */
static void judge_file(struct cli *c, struct found *fd, const char *dir,
		       const char *file, const char *case_id, const char *rec,
		       int64_t n, const uint8_t want[32], uint64_t size,
		       const struct yzf_rec_seginfo *others, size_t nothers)
{
	char path[4400], why[300], label[64];
	uint8_t h[32];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (rec)
		snprintf(label, sizeof label, "segment %lld", (long long)n);
	else
		snprintf(label, sizeof label, "evidence");
	int64_t got = hash_file(path, h);
	if (got < 0) {
		snprintf(why, sizeof why, "%s: file %s is missing", label, file);
		report(c, fd, "missing", case_id, rec, n, why);
		return;
	}
	if (!memcmp(h, want, 32))
		return;
	for (size_t i = 0; i < nothers; i++)
		if (!memcmp(h, others[i].hash, 32)) {
			snprintf(why, sizeof why, "%s: file %s holds segment "
				 "%lld", label, file, (long long)others[i].n);
			report(c, fd, "reordered", case_id, rec, n, why);
			return;
		}
	int64_t at = first_diff(c, path, want);
	if ((uint64_t)got < size && (at < 0 || at >= got)) {
		snprintf(why, sizeof why, "%s: file %s is cut: %lld of %llu "
			 "bytes", label, file, (long long)got,
			 (unsigned long long)size);
		report(c, fd, "truncated", case_id, rec, n, why);
	} else if (at >= 0) {
		snprintf(why, sizeof why, "%s: file %s differs from the "
			 "recorded bytes at offset %lld (%lld bytes, %llu "
			 "recorded)", label, file, (long long)at,
			 (long long)got, (unsigned long long)size);
		report(c, fd, "changed", case_id, rec, n, why);
	} else {
		snprintf(why, sizeof why, "%s: file %s does not hash to the "
			 "recorded hash", label, file);
		report(c, fd, "changed", case_id, rec, n, why);
	}
}

/* An exported folder against the store's signed records: the manifest
 * says where each file is, the records say what it must be. */
static int verify_dir(struct cli *c, const char *dir, struct found *fd)
{
	char path[4200], *txt;
	size_t len;
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	if (cli_read_file(path, &txt, &len)) {
		fprintf(stderr, "yzf evidence verify: %s: no manifest.json\n", dir);
		return EXIT_NOTFOUND;
	}
	cJSON *m = cJSON_ParseWithLength(txt, len);
	free(txt);
	if (!m) {
		fprintf(stderr, "yzf evidence verify: %s: manifest is not JSON\n",
			path);
		return EXIT_INPUT;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(m, "items"))
	{
		const cJSON *h = cJSON_GetObjectItem(it, "hash"),
			    *f = cJSON_GetObjectItem(it, "file");
		struct yzf_evidence_item e;
		if (!cJSON_IsString(h) || !cJSON_IsString(f))
			continue;
		if (find_item(c, h->valuestring, NULL, &e)) {
			report(c, fd, "unknown", "", NULL, 0,
			       "the manifest names evidence no record holds");
			continue;
		}
		judge_file(c, fd, dir, f->valuestring, e.case_id, NULL, 0, e.hash,
			   e.size, NULL, 0);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(m, "recordings"))
	{
		const cJSON *id = cJSON_GetObjectItem(it, "recording"),
			    *cs = cJSON_GetObjectItem(it, "case");
		struct yzf_rec_seginfo *s;
		size_t ns;
		if (!cJSON_IsString(id))
			continue;
		const char *case_id = cJSON_IsString(cs) ? cs->valuestring : "";
		int rc = yzf_rec_segments_of(c->y, id->valuestring, &s, &ns);
		if (rc) {
			cli_fail(c, rc, "evidence verify");
			continue;
		}
		/* every segment the records hold must be in the folder */
		for (size_t i = 0; i < ns; i++) {
			const char *file = NULL;
			const cJSON *sg;
			cJSON_ArrayForEach(sg, cJSON_GetObjectItem(it, "segments"))
			{
				const cJSON *n = cJSON_GetObjectItem(sg, "n"),
					    *f = cJSON_GetObjectItem(sg, "file");
				if (cJSON_IsNumber(n) && cJSON_IsString(f) &&
				    (int64_t)n->valuedouble == s[i].n)
					file = f->valuestring;
			}
			char dflt[128];
			if (!file) {
				snprintf(dflt, sizeof dflt, "rec-%.16s/%04lld%s",
					 id->valuestring, (long long)s[i].n,
					 ext_of(s[i].media));
				file = dflt;
			}
			judge_file(c, fd, dir, file, case_id, id->valuestring,
				   s[i].n, s[i].hash, s[i].size, s, ns);
		}
		free(s);
	}
	cJSON_Delete(m);
	return EXIT_OK;
}

static int ev_verify(struct cli *c)
{
	const char *case_id = cli_opt(c, "case"), *dir = cli_opt(c, "dir");
	struct yzf_evidence_finding *v;
	size_t n, checked = 0;
	struct found fd = { .list = cJSON_CreateArray() };
	int ec = EXIT_OK;
	int rc = yzf_evidence_verify(c->y, case_id, &v, &n, &checked);
	if (rc) {
		cJSON_Delete(fd.list);
		return cli_fail(c, rc, "evidence verify");
	}
	for (size_t i = 0; i < n; i++)
		report(c, &fd, v[i].what, v[i].case_id, v[i].recording, v[i].n,
		       v[i].why);
	free(v);
	if (dir)
		ec = verify_dir(c, dir, &fd);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", fd.n == 0);
		cJSON_AddNumberToObject(o, "blobs", (double)checked);
		cJSON_AddItemToObject(o, "findings", fd.list);
		fd.list = NULL;
		char *t = cJSON_PrintUnformatted(o);
		if (t)
			puts(t);
		free(t);
		cJSON_Delete(o);
	} else if (!fd.n) {
		printf("ok: %zu blob(s) decrypt and hash to their records; "
		       "recordings whole%s\n", checked,
		       dir ? "; exported files match" : "");
	}
	cJSON_Delete(fd.list);
	return ec ? ec : fd.n ? EXIT_VERIFY : EXIT_OK;
}

int cmd_evidence(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	uint8_t feed[YZF_KEY_LEN];
	if (!sub) {
		fprintf(stderr, "yzf evidence add|list|show|verify|export|review\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (!strcmp(sub, "add") || !strcmp(sub, "review")) {
		if ((ec = cli_feed(c, feed)))
			return ec;
		return !strcmp(sub, "add") ? ev_add(c, feed) : ev_review(c, feed);
	}
	if (!strcmp(sub, "list"))
		return ev_list(c);
	if (!strcmp(sub, "show"))
		return ev_show(c);
	if (!strcmp(sub, "verify"))
		return ev_verify(c);
	if (!strcmp(sub, "export"))
		return ev_export(c);
	fprintf(stderr, "yzf evidence: unknown subcommand %s\n", sub);
	return EXIT_USAGE;
}

/* ---- yzf rec ---- */

static volatile sig_atomic_t stopping;
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int rec_take(struct cli *c, struct yzf_recording *r)
{
	const char *dir = cli_opt(c, "dir"), *wait = cli_opt(c, "wait");
	int64_t secs = wait ? atoll(wait) : 0;
	size_t total = 0, got;
	if (dir) {
		int rc = yzf_port_linux_recorder(c->port, dir);
		if (rc) {
			fprintf(stderr, "yzf rec take: cannot watch %s\n", dir);
			return EXIT_SYSTEM;
		}
	}
	/* --wait N: keep taking for N seconds (until SIGINT/SIGTERM) */
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	time_t until = time(NULL) + (time_t)secs;
	do {
		int rc = yzf_rec_take(r, secs ? 500 : 0, &got);
		total += got;
		if (rc)
			return cli_fail(c, rc, "rec take");
	} while (secs && !stopping && time(NULL) < until);
	printf("took %zu segment(s): recording %s now has %lld\n", total,
	       yzf_rec_id(r), (long long)yzf_rec_segments(r));
	/* a break noticed while taking: say so now, on site */
	struct yzf_rec_info *ri;
	size_t nr;
	if (total && !yzf_rec_list(c->y, yzf_rec_case(r), &ri, &nr)) {
		for (size_t k = 0; k < nr; k++)
			if (!strcmp(ri[k].id, yzf_rec_id(r)) && ri[k].gaps)
				fprintf(stderr, "yzf rec: warning: recording %s "
					"has %lld gap record(s); explain an "
					"unknown one with yzf rec gap --after N "
					"--reason R --text T\n", ri[k].id,
					(long long)ri[k].gaps);
		free(ri);
	}
	return EXIT_OK;
}

static int rec_show(struct cli *c, const char *id)
{
	struct yzf_rec_info *ri;
	size_t nr;
	int rc = yzf_rec_list(c->y, cli_opt(c, "case"), &ri, &nr);
	if (rc)
		return cli_fail(c, rc, "rec");
	int ec = id ? EXIT_NOTFOUND : EXIT_OK;
	for (size_t k = 0; k < nr; k++) {
		if (id && strncmp(ri[k].id, id, strlen(id)) != 0)
			continue;
		ec = EXIT_OK;
		char at[32];
		cli_time(ri[k].start_ms, 480, at);
		printf("%s  case %s  step %s%s%s  %lld segment(s), %llu bytes, "
		       "%lld gap record(s)%s%s\n", ri[k].id, ri[k].case_id,
		       ri[k].step[0] ? ri[k].step : "?",
		       ri[k].measure[0] ? " " : "", ri[k].measure,
		       (long long)ri[k].segments,
		       (unsigned long long)ri[k].bytes, (long long)ri[k].gaps,
		       ri[k].ended ? ", ended" : ", open",
		       ri[k].start_seq ? "" : " (no rec.start held)");
		if (!id)
			continue;
		struct yzf_rec_seginfo *s;
		size_t ns;
		if (yzf_rec_segments_of(c->y, ri[k].id, &s, &ns))
			continue;
		for (size_t i = 0; i < ns; i++) {
			char hex[65], a[32], b[32];
			cli_hex(s[i].hash, 32, hex);
			cli_time(s[i].start_ms, 480, a);
			cli_time(s[i].end_ms, 480, b);
			printf("  %4lld  %.16s  %10llu  %s .. %s  mono %lld..%lld\n",
			       (long long)s[i].n, hex,
			       (unsigned long long)s[i].size, a, b + 11,
			       (long long)s[i].start_mono,
			       (long long)s[i].end_mono);
		}
		free(s);
	}
	free(ri);
	if (ec)
		fprintf(stderr, "yzf rec: no recording %s\n", id);
	return ec;
}

int cmd_rec(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	uint8_t feed[YZF_KEY_LEN];
	struct yzf_recording *r = NULL;
	if (!sub) {
		fprintf(stderr, "yzf rec start|take|gap|end|list|show\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false), rc;
	if (ec)
		return ec;
	if (!strcmp(sub, "list"))
		return rec_show(c, NULL);
	if (!strcmp(sub, "show"))
		return cli_arg(c, 1) ? rec_show(c, cli_arg(c, 1)) : EXIT_USAGE;
	if ((ec = cli_feed(c, feed)))
		return ec;
	if (!strcmp(sub, "start")) {
		const char *cs = cli_opt(c, "case"), *step = cli_opt(c, "step");
		if (!cs || !step) {
			fprintf(stderr, "yzf rec start --case ID --step TYPE "
				"[--measure seal|seize] [--device NAME]\n");
			return EXIT_USAGE;
		}
		rc = yzf_rec_start(c->y, feed, cs, step, cli_opt(c, "measure"),
				   cli_opt(c, "device"), &r);
		if (rc)
			return cli_fail(c, rc, "rec start");
		printf("recording %s started: case %s, step %s\n", yzf_rec_id(r),
		       cs, step);
		yzf_rec_close(r);
		return EXIT_OK;
	}
	if (!strcmp(sub, "take") && cli_opt(c, "dir") &&
	    strcmp(c->port_name, "linux") != 0) {
		fprintf(stderr, "yzf rec take: --dir watches a capture folder on "
			"the linux port (--port linux)\n");
		return EXIT_USAGE;
	}
	if ((rc = yzf_rec_resume(c->y, feed, &r)))
		return cli_fail(c, rc, "rec");
	if (!strcmp(sub, "take")) {
		ec = rec_take(c, r);
	} else if (!strcmp(sub, "gap")) {
		const char *after = cli_opt(c, "after");
		if (!after) {
			fprintf(stderr, "yzf rec gap --after N --reason R --text "
				"T\n");
			ec = EXIT_USAGE;
		} else if ((rc = yzf_rec_explain(r, atoll(after),
						 cli_opt(c, "reason"),
						 cli_opt(c, "text")))) {
			ec = cli_fail(c, rc, "rec gap");
		} else {
			printf("gap after segment %s of recording %s explained\n",
			       after, yzf_rec_id(r));
		}
	} else if (!strcmp(sub, "end")) {
		if ((rc = yzf_rec_end(r)))
			ec = cli_fail(c, rc, "rec end");
		else
			printf("recording %s ended: %lld segment(s)\n",
			       yzf_rec_id(r), (long long)yzf_rec_segments(r));
	} else {
		fprintf(stderr, "yzf rec: unknown subcommand %s\n", sub);
		ec = EXIT_USAGE;
	}
	yzf_rec_close(r);
	return ec;
}
