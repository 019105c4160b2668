#include <sodium.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_hash.h"

int
guard_crypto_init(void)
{
	if (sodium_init() < 0)
		return guard_error(GUARD_EIO, "cannot initialise libsodium");
	return 0;
}

void
guard_sha256_hex(const void *data, size_t len, char out[GUARD_SHA256_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, data, len);
	sodium_bin2hex(out, GUARD_SHA256_HEX, digest, sizeof(digest));
}

static int
compare_keys(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

static void
add_string(struct guard_buf *b, const char *s)
{
	cJSON *tmp = cJSON_CreateString(s);
	char *printed = cJSON_PrintUnformatted(tmp);
	guard_buf_addstr(b, printed);
	cJSON_free(printed);
	cJSON_Delete(tmp);
}

static void
canonical(struct guard_buf *b, const cJSON *item)
{
	if (cJSON_IsObject(item)) {
		size_t n = 0, i = 0;
		for (const cJSON *c = item->child; c; c = c->next)
			n++;
		const cJSON **kids = guard_xcalloc(n, sizeof(*kids));
		for (const cJSON *c = item->child; c; c = c->next)
			kids[i++] = c;
		qsort(kids, n, sizeof(*kids), compare_keys);
		guard_buf_addch(b, '{');
		for (i = 0; i < n; i++) {
			if (i)
				guard_buf_addch(b, ',');
			add_string(b, kids[i]->string);
			guard_buf_addch(b, ':');
			canonical(b, kids[i]);
		}
		guard_buf_addch(b, '}');
		free(kids);
	} else if (cJSON_IsArray(item)) {
		guard_buf_addch(b, '[');
		for (const cJSON *c = item->child; c; c = c->next) {
			if (c != item->child)
				guard_buf_addch(b, ',');
			canonical(b, c);
		}
		guard_buf_addch(b, ']');
	} else if (cJSON_IsString(item)) {
		add_string(b, item->valuestring);
	} else {
		char *printed = cJSON_PrintUnformatted(item);
		guard_buf_addstr(b, printed ? printed : "null");
		cJSON_free(printed);
	}
}

char *
guard_json_canonical(const cJSON *item)
{
	struct guard_buf b = GUARD_BUF_INIT;
	canonical(&b, item);
	return guard_buf_detach(&b);
}
