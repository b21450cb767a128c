/* yzf — the terminal CLI over libyzf and a port. Thin: parse arguments,
 * call the library, print. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
"usage: yzf [--home DIR] [--port sim|linux] [--json] COMMAND [ARGS]\n"
"\n"
"Terminal (state in --home, default $YZF_HOME or ~/.yzf; port default\n"
"$YZF_PORT or linux):\n"
"  init --terminal ID --trust FILE [--max-pin-failures N] [--kdf-ops N]\n"
"       [--kdf-mem-mib N] [--session-hours N]   pin the city's trust bundle\n"
"  enroll request [--out FILE]      make a feed key (PIN on stdin); print the\n"
"                                   request for the city\n"
"  enroll complete --bundle FILE    bind the certificate the city issued\n"
"  enroll online --server URL --ca FILE --code CODE [--terminal ID]\n"
"                                   all of it with the city's daemon (PIN on\n"
"                                   stdin); keeps the server and CA for sync\n"
"  login [--feed HEX|--officer NO]  PIN on stdin (no echo on a terminal)\n"
"  logout [--feed HEX|--officer NO|--all]\n"
"  append TYPE [--case ID|--new-case] [--file F] [--loc LAT,LON,ACC_CM]\n"
"                                   body JSON from --file or stdin\n"
"  log [--feed HEX|--officer NO|--case ID|--type T] [--from SEQ]\n"
"  show SEQ [--feed HEX|--officer NO]\n"
"  verify [--feed HEX]              prove every feed (or one) whole\n"
"  export [--feed HEX|--officer NO] [--out FILE]   signed NDJSON\n"
"  import FILE                      verify and store an export\n"
"  status                           terminal, officers, feeds\n"
"  types                            record types and their schemas\n"
"  refdata                          reference data held: the city's index,\n"
"                                   its expiry (by attested time), each set\n"
"  wipe --yes                       crypto-erase every officer's keys\n"
"  sync --server https://HOST:PORT --ca FILE [--feed HEX|--officer NO]\n"
"       [--batch N] [--retries N]   push logged-in officers' feeds to the city\n"
"  sync --status                    what the city holds and what waits\n"
"  blob push FILE... | --evidence [HASH...]   upload files, or the evidence\n"
"                                   held (decrypted on the way), by hash,\n"
"                                   resuming\n"
"  lease get --doc-type T [--count N]  lease a block of document numbers\n"
"  lease take|left --doc-type T     take the next number offline / count\n"
"  trust status                     the city's last checkpoint, attested time\n"
"                                   and clock drift, reference data held\n"
"  trust evidence                   inconsistencies of the city's log kept\n"
"  trust consistency --trust FILE OLD NEW   check offline that checkpoint\n"
"                                   answer NEW extends checkpoint line OLD\n"
"  catalog search TEXT | show CODE | tier CODE YUAN\n"
"                                   matters held: legal basis, benchmark tiers\n"
"  case new [--case ID] [--officer NO]   open a case: case.open JSON on stdin\n"
"  case step case.TYPE --case ID    the next step (JSON on stdin), only if the\n"
"                                   law allows it now (refusals cite the article)\n"
"  case cosign --case ID [--seq N --feed HEX]   co-sign the decision or measure\n"
"                                   another officer signed (行政处罚法第四十二条)\n"
"  case show ID | list | deadlines [--overdue]   the fold of a case's records,\n"
"                                   its flags and deadlines [--hearing-yuan N]\n"
"  doc issue --case ID --type CODE  a document of the case from its template\n"
"                                   (fields JSON on stdin), its 文号 taken\n"
"                                   from the leased block when numbered\n"
"  doc show --case ID               the documents of a case\n"
"  paper start --ground G [--text T] [--place P]   work goes to paper (平台办法\n"
"                                   第二十二条): no_network, platform_failure,\n"
"                                   devices_forbidden, other (--text: the law)\n"
"  paper end [--docs FILE]          back on the platform: the paper documents\n"
"                                   made, [{doctype, serial:{year,no}, at}]\n"
"  paper backfill [--file F]        enter one (paper.backfill JSON on stdin),\n"
"                                   due 3 working days after the act; a late one\n"
"                                   is flagged, a serial entered twice refused\n"
"  paper list [--pending]           every paper document and its deadline\n"
"  location status                  the receiver's current fix (YZF_GPS on the\n"
"                                   linux port, YZF_SIM_GPS on the sim), whether\n"
"                                   location is off and under what approval\n"
"  location on | off --reason T [--case ID]   the location lock (平台办法\n"
"                                   第二十一条): off without the head's\n"
"                                   approval is recorded as a violation\n"
"  location approve (--for NO | --case ID) --reason T [--from T] [--until T |\n"
"                   --hours N]      the head approves location off\n"
"  location log                     each record's fix, flagged: no fix, stale,\n"
"                                   coarse, off, unapproved, jump\n"
"  rec start --case ID --step TYPE [--measure seal|seize] [--device NAME]\n"
"                                   begin whole-process recording of a step\n"
"  rec take [--wait SEC] [--dir DIR]   take the recorder's closed segments:\n"
"                                   hashed, stored encrypted, signed in a chain\n"
"                                   (--dir: a capture folder, --port linux)\n"
"  rec gap --after N --reason R --text T   explain a gap the terminal noticed\n"
"  rec end | list [--case ID] | show ID\n"
"  evidence add FILE --case ID [--media T] [--kind K] [--source SEQ|ID]\n"
"       [--note T]                  store a photo/scan/file encrypted by hash\n"
"  evidence list [--case ID] | show HASH   items, their review state\n"
"  evidence review HASH --relevance pass|fail --legality pass|fail\n"
"       --authenticity pass|fail --reason T   (reviewer role; art.26)\n"
"  evidence verify [--case ID] [--dir EXPORT]   name every cut, edited,\n"
"                                   missing or reordered segment, and gaps\n"
"  evidence export HASH|--case ID|--recording ID --out DIR   files + manifest\n"
"  print DOC [--printer URI] [--copies N] [--width 384|512|576] [--cut]\n"
"       [--refused] [--cash]         (the party refused to sign; fine collected)\n"
"       [--native]                   text in the printer's own font (GB18030)\n"
"                                   print document DOC (its seq) on ESC/POS\n"
"                                   paper with its signed QR; a doc.print record\n"
"                                   (URI: /dev/usb/lp0, /dev/rfcomm0,\n"
"                                   tcp://host:9100, file:PATH)\n"
"  preview DOC --png FILE [--width 384|512|576]   the very raster, as PNG\n"
"  verify-qr TEXT|--png FILE --roster FILE [--trust FILE]   offline: who\n"
"                                   signed, what, when, valid then, roster age\n"
"\n"
"City authority (keys in --dir):\n"
"  authority init --dir D --root-name N --city-name N --region CODE [--years N]\n"
"  authority trust --dir D          print the trust bundle (root, city)\n"
"  authority issue --dir D --request FILE --name N --officer-no NO\n"
"       --agency N --uscc CODE [--roles officer,reviewer,head] [--days N]\n"
"       [--out FILE]                 print the enrollment bundle\n"
"  authority revoke --dir D --serial HEX --reason TEXT [--at TIME]\n"
"  authority show --dir D\n"
"  authority roster --dir D [--out FILE]   the signed roster for verify-qr\n"
"  authority recover --dir D --store-home DIR   open a wiped terminal's\n"
"                                   store with the city key and verify it\n"
"\n"
"--json gives machine output on read commands (log, show, verify, status,\n"
"types, refdata, authority show, location status).\n"
"\n"
"Exit codes: 0 ok; 1 usage; 2 input refused (schema, canonical form);\n"
"3 verification failed; 4 wrong PIN, locked out or not logged in;\n"
"5 not found; 6 not allowed in this state (not initialised, exists,\n"
"certificate); 7 system (I/O, memory, port, crypto).\n";

static int cmd_init(struct cli *c)
{
	const char *term = cli_opt(c, "terminal"), *trust = cli_opt(c, "trust");
	struct yzf_config cfg = { 0 };
	char *data;
	size_t len;
	if (!term || !trust) {
		fprintf(stderr, "yzf init: --terminal and --trust are required\n");
		return EXIT_USAGE;
	}
	snprintf(cfg.terminal, sizeof cfg.terminal, "%s", term);
	const char *v;
	if ((v = cli_opt(c, "max-pin-failures")))
		cfg.max_pin_failures = (uint32_t)atoi(v);
	if ((v = cli_opt(c, "kdf-ops")))
		cfg.kdf_ops = (uint64_t)atoll(v);
	if ((v = cli_opt(c, "kdf-mem-mib")))
		cfg.kdf_mem = (uint64_t)atoll(v) << 20;
	if ((v = cli_opt(c, "session-hours")))
		cfg.session_ttl_ms = atoll(v) * 3600000LL;
	if (cli_read_file(trust, &data, &len)) {
		perror(trust);
		return EXIT_NOTFOUND;
	}
	int ec = cli_open(c, true);
	if (ec == EXIT_OK) {
		int rc = yzf_init(c->y, &cfg, (const uint8_t *)data, len);
		ec = rc ? cli_fail(c, rc, "init") : EXIT_OK;
		if (!rc)
			printf("terminal %s initialised in %s\n", cfg.terminal,
			       c->home);
	}
	free(data);
	return ec;
}

static int cmd_enroll(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	uint8_t feed[YZF_KEY_LEN];
	char hex[65];
	int ec, rc;
	if (sub && strcmp(sub, "request") == 0) {
		char pin[128];
		size_t pl;
		struct yzf_buf req = { 0 };
		if ((ec = cli_open(c, false)))
			return ec;
		if (cli_read_pin("New PIN: ", pin, sizeof pin, &pl)) {
			fprintf(stderr, "yzf enroll: no PIN given\n");
			return EXIT_USAGE;
		}
		rc = yzf_enroll_request(c->y, pin, pl, &req, feed);
		sodium_memzero(pin, sizeof pin);
		if (rc)
			return cli_fail(c, rc, "enroll request");
		yzf_buf_putc(&req, '\n');
		const char *out = cli_opt(c, "out");
		if (out && cli_write_file(out, req.p, req.len, 0644)) {
			perror(out);
			ec = EXIT_SYSTEM;
		} else if (!out) {
			fwrite(req.p, 1, req.len, stdout);
		}
		cli_hex(feed, YZF_KEY_LEN, hex);
		fprintf(stderr, "feed %s: key made; send the request to the "
			"city\n", hex);
		yzf_buf_free(&req);
		return ec;
	}
	if (sub && strcmp(sub, "complete") == 0) {
		const char *bundle = cli_opt(c, "bundle");
		char *data;
		size_t len;
		if (!bundle) {
			fprintf(stderr, "yzf enroll complete: --bundle FILE\n");
			return EXIT_USAGE;
		}
		if (cli_read_file(bundle, &data, &len)) {
			perror(bundle);
			return EXIT_NOTFOUND;
		}
		if ((ec = cli_open(c, false)) == EXIT_OK) {
			rc = yzf_enroll_complete(c->y, (const uint8_t *)data, len,
						 feed);
			ec = rc ? cli_fail(c, rc, "enroll complete") : EXIT_OK;
			if (!rc) {
				cli_hex(feed, YZF_KEY_LEN, hex);
				printf("enrolled feed %s\n", hex);
			}
		}
		free(data);
		return ec;
	}
	if (sub && strcmp(sub, "online") == 0)
		return cmd_enroll_online(c);
	fprintf(stderr, "yzf enroll: request, complete or online\n");
	return EXIT_USAGE;
}

static int cmd_login(struct cli *c)
{
	uint8_t feed[YZF_KEY_LEN];
	char pin[128];
	size_t pl;
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (!cli_opt(c, "feed") && !cli_opt(c, "officer")) {
		/* with one officer enrolled, that one */
		struct yzf_officer o[YZF_MAX_OFFICERS];
		size_t n;
		int rc = yzf_officers(c->y, o, YZF_MAX_OFFICERS, &n);
		if (rc)
			return cli_fail(c, rc, "login");
		if (n != 1) {
			fprintf(stderr, "yzf login: %zu officers are enrolled: "
				"choose with --officer NO or --feed HEX\n", n);
			return EXIT_USAGE;
		}
		memcpy(feed, o[0].feed, YZF_KEY_LEN);
	} else if ((ec = cli_feed(c, feed))) {
		return ec;
	}
	if (cli_read_pin("PIN: ", pin, sizeof pin, &pl)) {
		fprintf(stderr, "yzf login: no PIN given\n");
		return EXIT_USAGE;
	}
	int rc = yzf_login(c->y, feed, pin, pl);
	sodium_memzero(pin, sizeof pin);
	if (rc)
		return cli_fail(c, rc, "login");
	char hex[65];
	cli_hex(feed, YZF_KEY_LEN, hex);
	printf("logged in: feed %s\n", hex);
	return EXIT_OK;
}

static int cmd_logout(struct cli *c)
{
	uint8_t feed[YZF_KEY_LEN];
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (cli_flag(c, "all")) {
		struct yzf_officer o[YZF_MAX_OFFICERS];
		size_t n;
		int rc = yzf_officers(c->y, o, YZF_MAX_OFFICERS, &n);
		for (size_t i = 0; !rc && i < n && i < YZF_MAX_OFFICERS; i++)
			rc = yzf_logout(c->y, o[i].feed);
		return rc ? cli_fail(c, rc, "logout") : EXIT_OK;
	}
	if ((ec = cli_feed(c, feed)))
		return ec;
	/* the last chance to be told before the shift ends */
	paper_reminders(c, "");
	int rc = yzf_logout(c->y, feed);
	return rc ? cli_fail(c, rc, "logout") : EXIT_OK;
}

static int parse_loc(const char *s, struct yzf_loc *l)
{
	/* LAT,LON,ACC_CM in decimal degrees with up to 7 decimals: parsed as
	 * integers, never through floating point. */
	int64_t v[3];
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		bool neg = *p == '-';
		if (neg)
			p++;
		int64_t whole = 0, frac = 0;
		int fd = 0;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9' && whole < 100000000)
			whole = whole * 10 + (*p++ - '0');
		if (*p == '.' && i < 2) {
			p++;
			while (*p >= '0' && *p <= '9' && fd < 7) {
				frac = frac * 10 + (*p++ - '0');
				fd++;
			}
		}
		while (fd++ < 7)
			frac *= 10;
		v[i] = i < 2 ? (whole * 10000000 + frac) * (neg ? -1 : 1) : whole;
		if (i < 2 && *p++ != ',')
			return -1;
	}
	if (*p)
		return -1;
	memset(l, 0, sizeof *l);
	l->fix = true;
	strcpy(l->src, "manual");
	l->lat = v[0];
	l->lon = v[1];
	l->acc_cm = v[2];
	return 0;
}

static int cmd_append(struct cli *c)
{
	const char *type = cli_arg(c, 0), *file = cli_opt(c, "file"),
		   *case_id = cli_opt(c, "case"), *locs = cli_opt(c, "loc");
	uint8_t feed[YZF_KEY_LEN];
	char *body, newcase[40];
	size_t len;
	struct yzf_loc loc;
	int64_t seq;
	if (!type) {
		fprintf(stderr, "yzf append: TYPE (see yzf types)\n");
		return EXIT_USAGE;
	}
	if (locs && parse_loc(locs, &loc)) {
		fprintf(stderr, "yzf append: --loc LAT,LON,ACC_CM e.g. "
			"23.1291234,113.2641234,500\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if ((ec = cli_feed(c, feed)))
		return ec;
	if (cli_flag(c, "new-case")) {
		uint8_t r[10];
		char hex[21];
		randombytes_buf(r, sizeof r);
		cli_hex(r, sizeof r, hex);
		snprintf(newcase, sizeof newcase, "C-%s", hex);
		case_id = newcase;
	}
	if (cli_read_file(file ? file : "-", &body, &len)) {
		perror(file ? file : "stdin");
		return EXIT_NOTFOUND;
	}
	struct yzf_append a = { .type = type, .case_id = case_id, .body = body,
				.body_len = len, .loc = locs ? &loc : NULL };
	int rc = yzf_append(c->y, feed, &a, 1, &seq);
	free(body);
	if (rc)
		return cli_fail(c, rc, "append");
	if (c->json)
		printf("{\"seq\":%lld,\"case\":%s%s%s}\n", (long long)seq,
		       case_id ? "\"" : "", case_id ? case_id : "null",
		       case_id ? "\"" : "");
	else
		printf("appended seq %lld%s%s\n", (long long)seq,
		       case_id ? " case " : "", case_id ? case_id : "");
	return EXIT_OK;
}

static void print_entry(struct cli *c, const struct yzf_entry *e)
{
	char hex[65], id[65], t[32];
	cli_hex(e->rec.feed, 8, hex);
	cli_hex(e->id, YZF_ID_LEN, id);
	if (c->json) {
		/* the signed bytes verbatim, with the id and signature */
		char sig[129];
		cli_hex(e->sig, YZF_SIG_LEN, sig);
		printf("{\"id\":\"%s\",\"rec\":%.*s,\"sig\":\"%s\"}\n", id,
		       (int)e->len, (const char *)e->bytes, sig);
		return;
	}
	cli_time(e->rec.at_ms, e->rec.at_tz, t);
	printf("%s #%-4lld %s  %-18s %-24s %.*s\n", hex, (long long)e->rec.seq,
	       t, e->rec.type, e->rec.case_id[0] ? e->rec.case_id : "-",
	       (int)e->rec.body_len, (const char *)e->rec.body);
}

static int cmd_log(struct cli *c)
{
	uint8_t feed[YZF_KEY_LEN];
	struct yzf_query q = { 0 };
	struct yzf_iter *it;
	struct yzf_entry e;
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	q.case_id = cli_opt(c, "case");
	q.type = cli_opt(c, "type");
	if (!q.case_id && !q.type) {
		if ((ec = cli_feed(c, feed)))
			return ec;
		q.feed = feed;
		const char *from = cli_opt(c, "from");
		q.from = from ? atoll(from) : 1;
	}
	int rc = yzf_iter_open(c->y, &q, &it);
	if (rc)
		return cli_fail(c, rc, "log");
	while ((rc = yzf_iter_next(it, &e)) == 1)
		print_entry(c, &e);
	yzf_iter_close(it);
	return rc < 0 ? cli_fail(c, rc, "log") : EXIT_OK;
}

static int cmd_show(struct cli *c)
{
	uint8_t feed[YZF_KEY_LEN];
	const char *s = cli_arg(c, 0);
	struct yzf_iter *it;
	struct yzf_entry e;
	if (!s || atoll(s) < 1) {
		fprintf(stderr, "yzf show: SEQ\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec || (ec = cli_feed(c, feed)))
		return ec;
	struct yzf_query q = { .feed = feed, .from = atoll(s) };
	int rc = yzf_iter_open(c->y, &q, &it);
	if (rc)
		return cli_fail(c, rc, "show");
	rc = yzf_iter_next(it, &e);
	if (rc == 1 && e.rec.seq == q.from) {
		if (c->json) {
			print_entry(c, &e);
		} else {
			char id[65], prev[65], fh[65], at[YZF_TIME_LEN + 1];
			cli_hex(e.id, YZF_ID_LEN, id);
			cli_hex(e.rec.prev, YZF_ID_LEN, prev);
			cli_hex(e.rec.feed, YZF_KEY_LEN, fh);
			yzf_time_fmt(e.rec.at_ms, e.rec.at_tz, at);
			printf("feed  %s\nseq   %lld\nid    %s\nprev  %s\nat    %s\n"
			       "type  %s\ncase  %s\n", fh, (long long)e.rec.seq,
			       id, prev, at, e.rec.type,
			       e.rec.case_id[0] ? e.rec.case_id : "-");
			if (e.rec.loc.fix)
				printf("loc   %s %lld,%lld ±%lld cm\n",
				       e.rec.loc.src, (long long)e.rec.loc.lat,
				       (long long)e.rec.loc.lon,
				       (long long)e.rec.loc.acc_cm);
			else
				printf("loc   none (%s)\n", e.rec.loc.none);
			printf("body  %.*s\n", (int)e.rec.body_len,
			       (const char *)e.rec.body);
		}
		yzf_iter_close(it);
		return EXIT_OK;
	}
	yzf_iter_close(it);
	if (rc < 0)
		return cli_fail(c, rc, "show");
	fprintf(stderr, "yzf show: no record seq %s in this feed\n", s);
	return EXIT_NOTFOUND;
}

static int cmd_verify(struct cli *c)
{
	uint8_t feeds[64][YZF_KEY_LEN];
	size_t n = 0;
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (cli_opt(c, "feed")) {
		if ((ec = cli_feed(c, feeds[0])))
			return ec;
		n = 1;
	} else {
		/* every feed the store holds */
		int rc = yzf_feeds(c->y, feeds, 64, &n);
		if (rc)
			return cli_fail(c, rc, "verify");
		if (n > 64)
			n = 64;
	}
	int worst = EXIT_OK;
	cJSON *arr = c->json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0; i < n; i++) {
		struct yzf_verify_report r;
		char hex[65];
		cli_hex(feeds[i], YZF_KEY_LEN, hex);
		int rc = yzf_verify_feed(c->y, feeds[i], &r);
		if (rc) {
			worst = cli_fail(c, rc, "verify");
			continue;
		}
		if (!r.ok)
			worst = EXIT_VERIFY;
		if (arr) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "feed", hex);
			cJSON_AddBoolToObject(o, "ok", r.ok);
			cJSON_AddNumberToObject(o, "records", (double)r.records);
			if (!r.ok) {
				cJSON_AddNumberToObject(o, "bad_seq",
							(double)r.bad_seq);
				cJSON_AddStringToObject(
					o, "reason",
					yzf_verify_reason_name(r.reason));
				cJSON_AddStringToObject(o, "detail", r.detail);
			}
			cJSON_AddItemToArray(arr, o);
		} else if (r.ok) {
			printf("feed %.16s: ok, %lld records verified\n", hex,
			       (long long)r.records);
		} else {
			printf("feed %.16s: BAD at seq %lld [%s] %s\n", hex,
			       (long long)r.bad_seq,
			       yzf_verify_reason_name(r.reason), r.detail);
		}
	}
	if (arr) {
		char *s = cJSON_PrintUnformatted(arr);
		printf("%s\n", s ? s : "[]");
		free(s);
		cJSON_Delete(arr);
	}
	return worst;
}

static int cmd_export(struct cli *c)
{
	uint8_t feed[YZF_KEY_LEN];
	struct yzf_buf out = { 0 };
	int ec = cli_open(c, false);
	if (ec || (ec = cli_feed(c, feed)))
		return ec;
	int rc = yzf_export(c->y, feed, &out);
	if (rc) {
		yzf_buf_free(&out);
		return cli_fail(c, rc, "export");
	}
	const char *path = cli_opt(c, "out");
	if (path ? cli_write_file(path, out.p, out.len, 0644)
		 : fwrite(out.p, 1, out.len, stdout) != out.len) {
		perror(path ? path : "stdout");
		ec = EXIT_SYSTEM;
	}
	yzf_buf_free(&out);
	return ec;
}

static int cmd_import(struct cli *c)
{
	const char *path = cli_arg(c, 0);
	char *data;
	size_t len;
	struct yzf_import_report r;
	if (!path) {
		fprintf(stderr, "yzf import: FILE (- for stdin)\n");
		return EXIT_USAGE;
	}
	if (cli_read_file(path, &data, &len)) {
		perror(path);
		return EXIT_NOTFOUND;
	}
	int ec = cli_open(c, false);
	if (ec == EXIT_OK) {
		int rc = yzf_import(c->y, (const uint8_t *)data, len, &r);
		if (rc) {
			ec = cli_fail(c, rc, "import");
		} else {
			printf("imported: %lld stored, %lld already held, %lld "
			       "quarantined (%lld forks)%s%s\n",
			       (long long)r.stored, (long long)r.duplicates,
			       (long long)r.quarantined, (long long)r.forks,
			       r.quarantined ? "; first: " : "", r.first_problem);
			ec = r.quarantined ? EXIT_VERIFY : EXIT_OK;
		}
	}
	free(data);
	return ec;
}

static const char *state_name(int s)
{
	return s == YZF_SLOT_PENDING ? "pending"
	     : s == YZF_SLOT_ENROLLED ? "enrolled"
	     : s == YZF_SLOT_LOCKED ? "locked" : "none";
}

static int cmd_status(struct cli *c)
{
	struct yzf_config cfg;
	struct yzf_officer o[YZF_MAX_OFFICERS];
	size_t n;
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	int rc = yzf_config_get(c->y, &cfg);
	if (!rc)
		rc = yzf_officers(c->y, o, YZF_MAX_OFFICERS, &n);
	if (rc)
		return cli_fail(c, rc, "status");
	if (n > YZF_MAX_OFFICERS)
		n = YZF_MAX_OFFICERS;
	cJSON *root = c->json ? cJSON_CreateObject() : NULL, *arr = NULL;
	if (root) {
		cJSON_AddStringToObject(root, "terminal", cfg.terminal);
		cJSON_AddNumberToObject(root, "max_pin_failures",
					cfg.max_pin_failures);
		arr = cJSON_AddArrayToObject(root, "officers");
	} else {
		printf("terminal %s (%s), lock out after %u wrong PINs\n",
		       cfg.terminal, c->home, cfg.max_pin_failures);
	}
	for (size_t i = 0; i < n; i++) {
		char hex[65], exp[32] = "";
		cli_hex(o[i].feed, YZF_KEY_LEN, hex);
		if (o[i].session)
			cli_time(o[i].session_expires, 480, exp);
		if (arr) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "feed", hex);
			cJSON_AddStringToObject(j, "state", state_name(o[i].state));
			cJSON_AddNumberToObject(j, "pin_failures", o[i].failures);
			cJSON_AddBoolToObject(j, "logged_in", o[i].session);
			cJSON_AddNumberToObject(j, "records", (double)o[i].head_seq);
			if (o[i].has_cert) {
				cJSON_AddStringToObject(j, "name", o[i].cert.name);
				cJSON_AddStringToObject(j, "officer_no",
							o[i].cert.officer_no);
				cJSON_AddStringToObject(j, "agency",
							o[i].cert.agency);
			}
			cJSON_AddItemToArray(arr, j);
		} else {
			printf("  %-8s %s %s %.16s…  %lld records, %u wrong PINs%s%s\n",
			       state_name(o[i].state),
			       o[i].has_cert ? o[i].cert.officer_no : "-",
			       o[i].has_cert ? o[i].cert.name : "-", hex,
			       (long long)o[i].head_seq, o[i].failures,
			       o[i].session ? ", logged in until " : "", exp);
			/* told before going on site, not at printing */
			if (o[i].session)
				doc_lease_warnings(c, o[i].feed);
		}
	}
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any = any || o[i].session;
	if (!root && any)
		paper_reminders(c, "");
	if (root) {
		char *s = cJSON_PrintUnformatted(root);
		printf("%s\n", s ? s : "{}");
		free(s);
		cJSON_Delete(root);
	}
	return EXIT_OK;
}

static int cmd_wipe(struct cli *c)
{
	if (!cli_flag(c, "yes")) {
		fprintf(stderr, "yzf wipe: destroys every officer's keys on this "
			"terminal; records stay, readable only by the city. "
			"Add --yes.\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	int rc = yzf_wipe(c->y);
	if (rc)
		return cli_fail(c, rc, "wipe");
	printf("wiped: key slots and sessions crypto-erased\n");
	return EXIT_OK;
}

static int cmd_types(struct cli *c)
{
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	cJSON *arr = c->json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0;; i++) {
		const char *t = yzf_type_name(c->y, i);
		if (!t)
			break;
		if (arr)
			cJSON_AddItemToArray(arr, cJSON_CreateString(t));
		else
			printf("%s\n", t);
	}
	if (arr) {
		char *s = cJSON_PrintUnformatted(arr);
		printf("%s\n", s ? s : "[]");
		free(s);
		cJSON_Delete(arr);
	}
	return EXIT_OK;
}

/* The index held, for --json: its times in full, and whether (and on
 * which clock) it is expired. */
static cJSON *refindex_json(const struct yzf_refdata_state *st)
{
	char t[YZF_TIME_LEN + 1];
	if (!st->have_index)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", (double)st->index.version);
	yzf_time_fmt(st->index.at_ms, st->index.tz, t);
	cJSON_AddStringToObject(o, "at", t);
	yzf_time_fmt(st->index.expires_ms, st->index.expires_tz, t);
	cJSON_AddStringToObject(o, "expires", t);
	cJSON_AddBoolToObject(o, "expired", st->expired);
	cJSON_AddStringToObject(o, "judged_on", st->attested ? "attested"
							     : "clock");
	yzf_time_fmt(st->now_ms, st->now_tz, t);
	cJSON_AddStringToObject(o, "now", t);
	return o;
}

static cJSON *refheld_json(const struct yzf_refheld *h)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", h->name);
	cJSON_AddNumberToObject(o, "version", (double)h->version);
	cJSON_AddNumberToObject(o, "size", (double)h->size);
	if (h->indexed)
		cJSON_AddNumberToObject(o, "index_version", (double)h->indexed);
	else
		cJSON_AddNullToObject(o, "index_version");
	cJSON_AddBoolToObject(o, "matches_index", h->matches);
	return o;
}

static void refindex_text(const struct yzf_refdata_state *st)
{
	char at[32], ex[32], now[32];
	if (!st->have_index) {
		printf("no reference data index held (sync fetches it)\n");
		return;
	}
	cli_time(st->index.at_ms, st->index.tz, at);
	cli_time(st->index.expires_ms, st->index.expires_tz, ex);
	cli_time(st->now_ms, st->now_tz, now);
	printf("index version %lld, signed %s, expires %s: %s (%s %s)\n",
	       (long long)st->index.version, at, ex,
	       st->expired ? "EXPIRED" : "valid",
	       st->attested ? "attested time now" : "never attested; terminal "
						    "clock now", now);
}

static void refheld_text(const struct yzf_refdata_state *st,
			 const struct yzf_refheld *h)
{
	char how[64];
	if (h->matches)
		snprintf(how, sizeof how, "as the index names it");
	else if (h->indexed == h->version)
		snprintf(how, sizeof how, "STALE: other bytes than the index "
			 "names");
	else if (h->indexed)
		snprintf(how, sizeof how, "STALE: the index names version %lld",
			 (long long)h->indexed);
	else
		snprintf(how, sizeof how, st->have_index ? "STALE: not in the "
			 "index" : "STALE: no index held");
	printf("%-24s version %-6lld %lld bytes  %s\n", h->name,
	       (long long)h->version, (long long)h->size, how);
}

/* Sets the index names that the terminal does not hold. */
static int refmissing(struct cli *c, const struct yzf_refdata_state *st,
		      cJSON *arr)
{
	for (size_t i = 0; st->have_index && i < st->index.n; i++) {
		const struct yzf_refentry *e = &st->index.sets[i];
		int64_t v;
		int rc = yzf_refset_version(c->y, e->name, &v);
		if (rc)
			return cli_fail(c, rc, "refdata");
		if (v != 0)
			continue;
		if (arr) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", e->name);
			cJSON_AddNumberToObject(o, "version", (double)e->version);
			cJSON_AddItemToArray(arr, o);
		} else {
			printf("%-24s version %-6lld not held: MISSING\n", e->name,
			       (long long)e->version);
		}
	}
	return EXIT_OK;
}

/* yzf refdata: the index held, whether it is expired by attested time,
 * and each set against it. */
static int cmd_refdata(struct cli *c)
{
	struct yzf_refdata_state st;
	struct yzf_refheld h;
	cJSON *o = NULL, *sets = NULL, *missing = NULL;
	int ec = cli_open(c, false), rc;
	if (ec)
		return ec;
	if ((rc = yzf_refdata_status(c->y, &st)))
		return cli_fail(c, rc, "refdata");
	if (c->json) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "index", refindex_json(&st));
		sets = cJSON_AddArrayToObject(o, "sets");
		missing = cJSON_AddArrayToObject(o, "missing");
	} else {
		refindex_text(&st);
	}
	for (size_t i = 0; (rc = yzf_refdata_held(c->y, i, &h)) == YZF_OK; i++)
		if (sets)
			cJSON_AddItemToArray(sets, refheld_json(&h));
		else
			refheld_text(&st, &h);
	if (rc != YZF_ENOTFOUND)
		ec = cli_fail(c, rc, "refdata");
	if (!ec)
		ec = refmissing(c, &st, missing);
	if (!ec && o) {
		char *txt = cJSON_PrintUnformatted(o);
		printf("%s\n", txt ? txt : "{}");
		free(txt);
	}
	cJSON_Delete(o);
	if (!ec)
		cli_refdata_warn("refdata", &st);
	return ec;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	char home[4096];
	int i = 1;
	c.home = getenv("YZF_HOME");
	c.port_name = getenv("YZF_PORT") ? getenv("YZF_PORT") : "linux";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--home") && i + 1 < argc)
			c.home = argv[++i];
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			c.port_name = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			c.json = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!c.home) {
		const char *h = getenv("HOME");
		snprintf(home, sizeof home, "%s/.yzf", h ? h : ".");
		c.home = home;
	}
	const char *cmd = argv[i];
	c.argc = argc - i - 1;
	c.argv = argv + i + 1;
	c.json = c.json || cli_flag(&c, "json");
	static const struct {
		const char *name;
		int (*fn)(struct cli *);
	} cmds[] = {
		{ "init", cmd_init }, { "enroll", cmd_enroll },
		{ "login", cmd_login }, { "logout", cmd_logout },
		{ "append", cmd_append }, { "log", cmd_log },
		{ "show", cmd_show }, { "verify", cmd_verify },
		{ "export", cmd_export }, { "import", cmd_import },
		{ "status", cmd_status }, { "wipe", cmd_wipe },
		{ "types", cmd_types }, { "authority", cmd_authority },
		{ "sync", cmd_sync }, { "blob", cmd_blob },
		{ "lease", cmd_lease }, { "refdata", cmd_refdata },
		{ "trust", cmd_trust }, { "catalog", cmd_catalog },
		{ "case", cmd_case }, { "doc", cmd_doc },
		{ "paper", cmd_paper }, { "location", cmd_location },
		{ "evidence", cmd_evidence }, { "rec", cmd_rec },
		{ "print", cmd_print }, { "preview", cmd_preview },
		{ "verify-qr", cmd_verify_qr },
	};
	for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
		if (!strcmp(cmd, cmds[k].name)) {
			int ec = cmds[k].fn(&c);
			cli_close(&c);
			return ec;
		}
	fprintf(stderr, "yzf: unknown command %s\n\n%s", cmd, usage);
	return EXIT_USAGE;
}
