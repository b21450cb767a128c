/* yzf/base45.h — Base45 (RFC 9285), the text form of QR receipts.
 *
 * Base45 turns every 2 bytes into 3 characters of the QR alphanumeric set
 * (0-9 A-Z space $ % * + - . / :), which a QR code packs at 5.5 bits a
 * character: about 3% more than the bytes, where Base64 in byte mode costs
 * a third. Both functions fill caller buffers and never allocate; they are
 * pure and thread-safe.
 */
#ifndef YZF_BASE45_H
#define YZF_BASE45_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Characters the encoding of n bytes takes (no NUL). */
#define YZF_BASE45_LEN(n) (((n) / 2) * 3 + ((n) % 2) * 2)

/* Encode in[0..n) into out (cap bytes, room for YZF_BASE45_LEN(n) plus a
 * NUL, which is written). *olen receives the characters written.
 * YZF_ERANGE if out is too small (nothing useful written). */
YZF_API int yzf_base45_encode(const uint8_t *in, size_t n, char *out,
			      size_t cap, size_t *olen);

/* Decode text[0..n) into out (cap bytes). YZF_EINVAL for a character
 * outside the alphabet, a length of 1 mod 3, or a group whose value
 * exceeds what its bytes can hold (RFC 9285 §6: such input is invalid);
 * YZF_ERANGE if out is too small. *olen receives the bytes written. */
YZF_API YZF_NODISCARD int yzf_base45_decode(const char *text, size_t n,
					    uint8_t *out, size_t cap,
					    size_t *olen);

#ifdef __cplusplus
}
#endif
#endif
