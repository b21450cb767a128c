/* yzf doc: documents (文书) of a case as data. Issuing one fills its
 * template's fields, takes the next 文号 from the leased block when the
 * document type is numbered, and appends a signed doc.issue record; the
 * number is durable before it is used and never handed out again. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* {"key":"value",...} from the officer, checked against the template:
 * every key the template's, each value a string; out receives the
 * "fields" array in the template's order. */
static int fields_of(const struct yzf_doctype *d, const char *text, size_t len,
		     struct yzf_buf *out)
{
	cJSON *j = cJSON_ParseWithLength(text, len), *e;
	int ec = EXIT_OK;
	if (!cJSON_IsObject(j)) {
		fprintf(stderr, "yzf doc issue: the fields are a JSON object of "
			"strings\n");
		ec = EXIT_INPUT;
	}
	cJSON_ArrayForEach(e, j) {
		size_t k = 0;
		while (k < d->nfields && strcmp(d->fields[k].key, e->string))
			k++;
		if (k == d->nfields || !cJSON_IsString(e)) {
			fprintf(stderr, "yzf doc issue: %s: %s\n", e->string,
				k == d->nfields ? "not a field of this document "
						  "type's template"
						: "not a string");
			ec = EXIT_INPUT;
		}
	}
	yzf_buf_putc(out, '[');
	for (size_t k = 0, n = 0; ec == EXIT_OK && k < d->nfields; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(
			j, d->fields[k].key);
		if (!v)
			continue;
		yzf_buf_puts(out, n++ ? ",{\"key\":" : "{\"key\":");
		yzf_canon_put_str(out, d->fields[k].key,
				  strlen(d->fields[k].key));
		yzf_buf_puts(out, ",\"value\":");
		yzf_canon_put_str(out, v->valuestring, strlen(v->valuestring));
		yzf_buf_putc(out, '}');
	}
	yzf_buf_putc(out, ']');
	cJSON_Delete(j);
	return ec;
}

static int issue(struct cli *c, const struct yzf_catalog *cat)
{
	const char *case_id = cli_opt(c, "case"), *type = cli_opt(c, "type"),
		   *file = cli_opt(c, "file");
	uint8_t feed[YZF_KEY_LEN];
	struct yzf_buf body = { 0 };
	char *text;
	size_t len;
	int year = 0;
	int64_t serial = 0, seq;
	if (!case_id || !type) {
		fprintf(stderr, "yzf doc issue --case ID --type CODE (fields "
			"JSON on stdin or --file)\n");
		return EXIT_USAGE;
	}
	const struct yzf_doctype *d = yzf_catalog_doctype(cat, type);
	if (!d) {
		fprintf(stderr, "yzf doc issue: %s: no such document type in the "
			"catalogue held\n", type);
		return EXIT_NOTFOUND;
	}
	int ec = cli_feed(c, feed);
	if (ec)
		return ec;
	if (cli_read_file(file ? file : "-", &text, &len)) {
		perror(file ? file : "stdin");
		return EXIT_NOTFOUND;
	}
	yzf_buf_puts(&body, "{\"doctype\":");
	yzf_canon_put_str(&body, d->code, strlen(d->code));
	yzf_buf_puts(&body, ",\"template_version\":");
	yzf_canon_put_int(&body, d->template_version);
	yzf_buf_puts(&body, ",\"fields\":");
	ec = fields_of(d, text, len, &body);
	free(text);
	int rc = YZF_OK;
	/* the number last, once everything else is known to be right: a
	 * number taken is gone whether or not the record follows */
	if (!ec && d->numbered &&
	    (rc = yzf_lease_take(c->y, feed, d->code, &year, &serial)))
		ec = cli_fail(c, rc, "doc issue");
	if (!ec && d->numbered) {
		char n[64];
		snprintf(n, sizeof n, ",\"number\":{\"year\":%d,\"serial\":%lld}",
			 year, (long long)serial);
		yzf_buf_puts(&body, n);
	}
	yzf_buf_putc(&body, '}');
	struct yzf_append a = { .type = "doc.issue", .case_id = case_id,
				.body = (const char *)body.p,
				.body_len = body.len };
	if (!ec && (rc = yzf_append(c->y, feed, &a, 1, &seq))) {
		ec = cli_fail(c, rc, "doc issue");
		if (d->numbered)
			fprintf(stderr, "yzf doc issue: %s %d No. %lld was taken "
				"and is void: it is never handed out again\n",
				d->code, year, (long long)serial);
	}
	if (!ec && d->numbered)
		printf("issued %s %s %d No. %lld, seq %lld\n", d->code, d->name,
		       year, (long long)serial, (long long)seq);
	else if (!ec)
		printf("issued %s %s (unnumbered), seq %lld\n", d->code, d->name,
		       (long long)seq);
	yzf_buf_free(&body);
	return ec;
}

/* Every document of the case held here, oldest first. */
static int show(struct cli *c)
{
	const char *case_id = cli_opt(c, "case");
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .case_id = case_id };
	size_t n = 0;
	if (!case_id) {
		fprintf(stderr, "yzf doc show --case ID\n");
		return EXIT_USAGE;
	}
	int rc = yzf_iter_open(c->y, &q, &it);
	while (rc == YZF_OK && (rc = yzf_iter_next(it, &e)) == 1) {
		rc = YZF_OK;
		if (strcmp(e.rec.type, "doc.issue"))
			continue;
		printf("%.*s\n", (int)e.rec.body_len, (const char *)e.rec.body);
		n++;
	}
	yzf_iter_close(it);
	if (rc < 0)
		return cli_fail(c, rc, "doc show");
	if (!n)
		fprintf(stderr, "yzf doc show: no documents of case %s here\n",
			case_id);
	return n ? EXIT_OK : EXIT_NOTFOUND;
}

void doc_lease_warnings(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_catalog *cat;
	int64_t left;
	if (yzf_catalog_open(c->y, &cat))
		return; /* no catalogue held: nothing to number yet */
	for (size_t i = 0;; i++) {
		const struct yzf_doctype *d = yzf_catalog_doctype_at(cat, i);
		if (!d)
			break;
		if (d->numbered && yzf_lease_left(c->y, feed, d->code, &left) ==
					   YZF_OK && left == 0)
			printf("  WARNING: no %s (%s) numbers leased for this year: "
			       "sync (yzf lease get --doc-type %s) before going "
			       "on site\n", d->code, d->name, d->code);
	}
	yzf_catalog_close(cat);
}

int cmd_doc(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	struct yzf_catalog *cat = NULL;
	if (!sub || (strcmp(sub, "issue") && strcmp(sub, "show"))) {
		fprintf(stderr, "yzf doc issue|show --case ID ...\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (!strcmp(sub, "show"))
		return show(c);
	int rc = yzf_catalog_open(c->y, &cat);
	if (rc)
		return cli_fail(c, rc, "doc issue: the catalogue held");
	ec = issue(c, cat);
	yzf_catalog_close(cat);
	return ec;
}
