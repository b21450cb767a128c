/* base45.c — RFC 9285. */
#include "yzf/base45.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

int yzf_base45_encode(const uint8_t *in, size_t n, char *out, size_t cap,
		      size_t *olen)
{
	size_t need = YZF_BASE45_LEN(n), o = 0;
	if (need + 1 > cap || need < n)
		return YZF_ERANGE;
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned v = (unsigned)in[i] * 256u + in[i + 1];
		out[o++] = alphabet[v % 45];
		out[o++] = alphabet[(v / 45) % 45];
		out[o++] = alphabet[v / 2025];
	}
	if (n % 2) {
		unsigned v = in[n - 1];
		out[o++] = alphabet[v % 45];
		out[o++] = alphabet[v / 45];
	}
	out[o] = '\0';
	if (olen)
		*olen = o;
	return YZF_OK;
}

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	switch (c) {
	case ' ': return 36;
	case '$': return 37;
	case '%': return 38;
	case '*': return 39;
	case '+': return 40;
	case '-': return 41;
	case '.': return 42;
	case '/': return 43;
	case ':': return 44;
	default: return -1;
	}
}

int yzf_base45_decode(const char *text, size_t n, uint8_t *out, size_t cap,
		      size_t *olen)
{
	size_t o = 0;
	if (n % 3 == 1)
		return YZF_EINVAL;
	for (size_t i = 0; i < n; i += 3) {
		size_t k = n - i >= 3 ? 3 : 2;
		unsigned v = 0, mul = 1;
		for (size_t j = 0; j < k; j++) {
			int d = digit(text[i + j]);
			if (d < 0)
				return YZF_EINVAL;
			v += (unsigned)d * mul;
			mul *= 45;
		}
		if (k == 3) {
			if (v > 0xffff)
				return YZF_EINVAL;
			if (o + 2 > cap)
				return YZF_ERANGE;
			out[o++] = (uint8_t)(v >> 8);
			out[o++] = (uint8_t)v;
		} else {
			if (v > 0xff)
				return YZF_EINVAL;
			if (o + 1 > cap)
				return YZF_ERANGE;
			out[o++] = (uint8_t)v;
		}
	}
	if (olen)
		*olen = o;
	return YZF_OK;
}
