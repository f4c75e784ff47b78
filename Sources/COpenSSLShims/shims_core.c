#include "shims_core.h"
#include <string.h>
#include <openssl/crypto.h>

long chiptrail_BIO_get_mem_data(BIO *bio, const unsigned char **data) {
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    *data = (const unsigned char *)p;
    return n;
}

void chiptrail_OPENSSL_free(void *ptr) { OPENSSL_free(ptr); }

int chiptrail_pem_password_cb(char *buf, int size, int rwflag, void *u) {
    (void)rwflag;
    chiptrail_passphrase *p = (chiptrail_passphrase *)u;
    if (p == NULL) return -1;
    p->asked = 1;
    if (p->bytes == NULL) return -1;
    if (p->length > (size_t)size) return -1;
    memcpy(buf, p->bytes, p->length);
    return (int)p->length;
}
