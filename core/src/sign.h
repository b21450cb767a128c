/* sign.h — domain-separated Ed25519 and signed wrappers (private).
 * Every signature yzf makes covers "<domain>\0" || bytes, so a signature
 * over a record can never be replayed as one over a certificate, and so on.
 * Domains: "yzf-record-v1", "yzf-cert-v1", "yzf-req-v1", "yzf-set-v1",
 * "yzf-ckpt-v1", "yzf-index-v1". */
#ifndef YZF_SIGN_H
#define YZF_SIGN_H
#include <stdbool.h>
#include "yzf/record.h"

int yzf_sign_domain(const char *domain, const uint8_t *bytes, size_t len,
		    const uint8_t sk[64], uint8_t sig[YZF_SIG_LEN]);
bool yzf_sig_domain_ok(const char *domain, const uint8_t *bytes, size_t len,
		       const uint8_t sig[YZF_SIG_LEN],
		       const uint8_t pk[YZF_KEY_LEN]);
/* Sign bytes in a domain and append {<head><bytes>,"sig":"<128 hex>"}
 * where head is e.g. "{\"cert\":". */
int yzf_sign_wrap(const char *domain, const char *head, const uint8_t *bytes,
		  size_t len, const uint8_t sk[64], struct yzf_buf *out);
/* End a signed object read with cursor c over the value unwrapped from a
 * line whose head is head_len bytes: the closing brace, nothing after it,
 * then the signature under pk. YZF_OK, YZF_ENONCANON (err offsets count
 * from the line) or YZF_EBADSIG (err->why: "signature does not verify
 * under <whose> key"). */
int yzf_signed_close(struct yzf_canon_cur *c, size_t head_len,
		     const char *domain, const uint8_t sig[YZF_SIG_LEN],
		     const uint8_t pk[YZF_KEY_LEN], const char *why_sig,
		     struct yzf_canon_err *err);
/* Split {<head><canonical value>,"sig":"<128 hex>"} where head is e.g.
 * "{\"rec\":" or "{\"cert\":"; the value span is checked canonical. */
int yzf_unwrap_signed(const char *head, const uint8_t *line, size_t len,
		      const uint8_t **bytes, size_t *n,
		      uint8_t sig[YZF_SIG_LEN], struct yzf_canon_err *err);
#endif
