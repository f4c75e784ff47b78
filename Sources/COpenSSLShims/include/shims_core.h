#ifndef CHIPTRAIL_SHIMS_CORE_H
#define CHIPTRAIL_SHIMS_CORE_H
#include <stddef.h>
#include <openssl/bio.h>
#include <openssl/evp.h>

/// Bytes and length of a memory BIO (BIO_get_mem_data is a macro).
long chiptrail_BIO_get_mem_data(BIO *bio, const unsigned char **data);

/// OPENSSL_free is a macro.
void chiptrail_OPENSSL_free(void *ptr);

/// Passphrase for PEM_read_bio_* / PEM_write_bio_*: `u` points to a chiptrail_passphrase, or is NULL
/// (then the callback fails instead of prompting on the terminal as OpenSSL's default would).
typedef struct {
    const char *bytes;
    size_t length;
    int asked;
} chiptrail_passphrase;
int chiptrail_pem_password_cb(char *buf, int size, int rwflag, void *u);
#endif
