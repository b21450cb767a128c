/* yzf/print.h — documents on paper: a doc.issue record laid out with its
 * signed QR receipt, and the print recorded.
 *
 * A document prints as: a reprint mark (补打) when it was printed before,
 * the agency, the title (twice the size), the 文号, the template's fields
 * with their labels, and by kind the amount in figures and in Chinese
 * capitals, the payment deadline (15 days, 行政处罚法第六十七条) and the
 * remedy routes with their last days (复议 60 days, 诉讼 6 months from
 * receipt); a template field left blank as a line to fill in by hand; for
 * the 送达回证 the proxy, refusal and witness lines (民事诉讼法第八十七至
 * 八十九条); signature lines for the officers and, where the template
 * says so, the party; the date; the QR code; the key id and seq a
 * verifier names it by.
 *
 * The QR payload (yzf/qrpay.h) carries a digest of the printed text, so
 * the text is laid out twice: once measuring, to digest it, and once
 * drawn, with the QR signed over that digest at the bottom.
 *
 * Threading: as struct yzf. Ownership: every struct is the caller's.
 */
#ifndef YZF_PRINT_H
#define YZF_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "catalog.h"
#include "cert.h"
#include "layout.h"
#include "qrpay.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

struct yzf_printfield {
	const char *key, *label, *value;
};

/* A document as printed. Strings are NUL-terminated UTF-8 owned by the
 * caller (yzf_printdoc_parse puts them in its store). */
struct yzf_printdoc {
	const char *code;               /* doctype code: DCCFJD */
	const char *title;              /* doctype name */
	const char *agency;             /* the signer's agency */
	int year;                       /* 文号, 0 if unnumbered */
	int64_t serial;
	size_t nfields;
	struct yzf_printfield fields[YZF_CATALOG_MAX_FIELDS];
	bool party_signs;
	int64_t issued_ms;              /* the doc.issue record's time */
	int32_t tz;
	bool reprint;
	uint8_t flags;                  /* YZF_QR_REFUSED (the party refused
					   to sign: said on the paper),
					   YZF_QR_CASH (decisions: the fine
					   collected on the spot) */
	const char *officer_name;       /* the signer */
	const char *officer_no;
	uint8_t kid[YZF_QRPAY_KID_LEN]; /* printed under the QR */
	uint32_t seq;
};

/* Fill doc from a doc.issue body (canonical JSON) and its doctype: the
 * fields in the template's order with their labels, the number. Strings
 * are copied into store (cap bytes). The rest (agency, officer, time,
 * kid, seq, reprint) is the caller's to set. YZF_EINVAL (msg names the
 * field) for a body that is not such a record of this doctype,
 * YZF_ERANGE if store is too small. */
YZF_API int yzf_printdoc_parse(const struct yzf_doctype *d,
			       const uint8_t *body, size_t len,
			       struct yzf_printdoc *doc, char *store,
			       size_t cap, char *msg, size_t mcap);
/* The value of field key, or NULL. */
YZF_API const char *yzf_printdoc_field(const struct yzf_printdoc *doc,
				       const char *key);

/* Lay out doc (see the top comment); qr may be NULL (measuring), module is
 * the QR's dots a module (5 on 58 mm). Errors stay in L. */
YZF_API void yzf_print_compose(struct yzf_layout *L,
			       const struct yzf_printdoc *doc, const char *qr,
			       uint32_t module);

/* The receipt payload of doc: kind, flags, kid, seq, time, number, the
 * officers' tags (the signer's and the next 执法证号 found in the
 * officers field), prev, the digest of the printed text text[0..tlen)
 * with record id, amount and penalty kind for decisions, the served
 * document and method for delivery receipts, the party masked (张*明) or
 * as its 统一社会信用代码. */
YZF_API int yzf_print_payload(const struct yzf_printdoc *doc,
			      const uint8_t id[YZF_ID_LEN], const char *text,
			      size_t tlen, const uint8_t prev[8],
			      struct yzf_qrpay *p);

/* The dots a QR module gets at a width: 5 on 58 mm (384), 7 on 80 mm. */
YZF_API uint32_t yzf_print_module(uint32_t width);

/* A print job on the terminal, the caller's memory (it is large). */
struct yzf_print_job {
	/* in */
	int64_t seq;                    /* the doc.issue record in the feed */
	uint32_t width;                 /* 384, 512 or 576 */
	uint8_t flags;                  /* as struct yzf_printdoc */
	/* 0: the text is drawn into the raster. Else native text mode, for
	 * printers with their own Chinese font: the text is laid out (and
	 * digested) for this many dots of Unifont, the width the printer's
	 * font fills the paper with (24-dot glyphs on 384 dots hold what
	 * 256 dots of 16-dot Unifont do), and not drawn: the caller sends
	 * text, each line of `text` but the last, and the raster holds the
	 * QR code alone, to go between them and the last line (its
	 * caption). */
	uint32_t text_width;
	const struct yzf_font *font;
	const struct yzf_catalog *cat;
	uint8_t *bits;                  /* the raster, cap bytes */
	size_t cap;
	/* out */
	struct yzf_printdoc doc;
	struct yzf_layout layout;       /* the drawn raster in layout.r */
	struct yzf_qrpay pay;
	size_t payload_len;
	char qr[YZF_QRPAY_TEXT_MAX];
	uint8_t id[YZF_ID_LEN];         /* the doc.issue record id */
	char text[16384];               /* the printed text */
	char store[16384];              /* the document's strings */
};

/* Lay out document seq of the feed (its officer logged in) with a fresh
 * signed QR: reprint when a doc.print of it is in the feed, prev from the
 * feed's last doc.print. YZF_ENOTFOUND (no such record, or not a
 * doc.issue, or its doctype not in the catalogue), YZF_EINVAL (cash
 * for a document that is not a decision), YZF_ECERT (the officer's
 * certificate is revoked or does not cover now: nothing is signed),
 * else as the layout; yzf_errmsg says which. */
YZF_API int yzf_print_prepare(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			      struct yzf_print_job *j);
/* Append the doc.print record of a prepared job once it went to printer
 * (its URI, as given) in copies copies. *seq (may be NULL) receives its
 * seq. */
YZF_API int yzf_print_log(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			  const struct yzf_print_job *j, const char *printer,
			  int copies, int64_t *seq);

/* Send an ESC/POS stream to the port's printer (struct yzf_port,
 * printer_write). YZF_EPORT when the port has no printer. */
YZF_API int yzf_port_printer(struct yzf *y, const char *uri, const void *buf,
			     size_t n);

#ifdef __cplusplus
}
#endif
#endif
