#include "shims_x509.h"
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

STACK_OF(X509) *chiptrail_x509_stack_new(X509 *const *certs, int count) {
    STACK_OF(X509) *stack = sk_X509_new_null();
    if (stack == NULL) return NULL;
    for (int i = 0; i < count; i++) {
        if (!X509_up_ref(certs[i])) goto fail;
        if (!sk_X509_push(stack, certs[i])) {
            X509_free(certs[i]);
            goto fail;
        }
    }
    return stack;
fail:
    sk_X509_pop_free(stack, X509_free);
    return NULL;
}

void chiptrail_x509_stack_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }
int chiptrail_x509_stack_count(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
X509 *chiptrail_x509_stack_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }

int chiptrail_x509_add_ext_text(X509 *cert, X509 *issuer, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    if (ext == NULL) return 0;
    int rc = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return rc == 1 ? 1 : 0;
}

int chiptrail_crl_add_ext_text(X509_CRL *crl, X509 *issuer, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    if (ext == NULL) return 0;
    int rc = X509_CRL_add_ext(crl, ext, -1);
    X509_EXTENSION_free(ext);
    return rc == 1 ? 1 : 0;
}

int chiptrail_req_add_san_text(X509_REQ *req, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, NULL, NULL, req, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_subject_alt_name, value);
    if (ext == NULL) return 0;
    STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
    int rc = 0;
    if (exts != NULL && sk_X509_EXTENSION_push(exts, ext)) {
        rc = X509_REQ_add_extensions(req, exts);
        sk_X509_EXTENSION_free(exts);  /* the stack only; ext is freed below */
    } else if (exts != NULL) {
        sk_X509_EXTENSION_free(exts);
    }
    X509_EXTENSION_free(ext);
    return rc == 1 ? 1 : 0;
}

GENERAL_NAMES *chiptrail_x509_get_san(X509 *cert) {
    return X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
}

GENERAL_NAMES *chiptrail_req_get_san(X509_REQ *req) {
    STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
    if (exts == NULL) return NULL;
    GENERAL_NAMES *names = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    return names;
}

int chiptrail_general_names_count(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }

const unsigned char *chiptrail_general_name_uri(const GENERAL_NAMES *names, int index, int *length) {
    const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, index);
    if (name == NULL || name->type != GEN_URI) return NULL;
    *length = ASN1_STRING_length(name->d.uniformResourceIdentifier);
    return ASN1_STRING_get0_data(name->d.uniformResourceIdentifier);
}

void chiptrail_general_names_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }

int chiptrail_crl_aki(X509_CRL *crl, unsigned char *out, int cap) {
    AUTHORITY_KEYID *aki = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
    if (aki == NULL) return -1;
    int n = -1;
    if (aki->keyid != NULL) {
        n = ASN1_STRING_length(aki->keyid);
        if (n > cap) n = cap;
        memcpy(out, ASN1_STRING_get0_data(aki->keyid), (size_t)n);
    }
    AUTHORITY_KEYID_free(aki);
    return n;
}

int chiptrail_crl_revoked_count(X509_CRL *crl) {
    STACK_OF(X509_REVOKED) *revoked = X509_CRL_get_REVOKED(crl);
    return revoked == NULL ? 0 : sk_X509_REVOKED_num(revoked);
}

X509_REVOKED *chiptrail_crl_revoked_value(X509_CRL *crl, int index) {
    return sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), index);
}

struct chiptrail_verify_log {
    int count;
    int capacity;
    int *depths;
    int *errors;
};

chiptrail_verify_log *chiptrail_verify_log_new(void) { return calloc(1, sizeof(chiptrail_verify_log)); }

void chiptrail_verify_log_free(chiptrail_verify_log *log) {
    if (log == NULL) return;
    free(log->depths);
    free(log->errors);
    free(log);
}

int chiptrail_verify_log_count(const chiptrail_verify_log *log) { return log->count; }
int chiptrail_verify_log_depth(const chiptrail_verify_log *log, int index) { return log->depths[index]; }
int chiptrail_verify_log_error(const chiptrail_verify_log *log, int index) { return log->errors[index]; }

static void log_append(chiptrail_verify_log *log, int depth, int error) {
    for (int i = 0; i < log->count; i++)
        if (log->depths[i] == depth && log->errors[i] == error) return;
    if (log->count == log->capacity) {
        int capacity = log->capacity == 0 ? 8 : log->capacity * 2;
        int *d = realloc(log->depths, sizeof(int) * (size_t)capacity);
        if (d == NULL) return;
        log->depths = d;
        int *e = realloc(log->errors, sizeof(int) * (size_t)capacity);
        if (e == NULL) return;
        log->errors = e;
        log->capacity = capacity;
    }
    log->depths[log->count] = depth;
    log->errors[log->count] = error;
    log->count++;
}

static int logging_callback(int ok, X509_STORE_CTX *ctx) {
    if (!ok) {
        chiptrail_verify_log *log = X509_STORE_CTX_get_app_data(ctx);
        if (log != NULL) log_append(log, X509_STORE_CTX_get_error_depth(ctx), X509_STORE_CTX_get_error(ctx));
    }
    return 1;
}

int chiptrail_x509_verify_logging(X509_STORE_CTX *ctx, chiptrail_verify_log *log) {
    X509_STORE_CTX_set_app_data(ctx, log);
    X509_STORE_CTX_set_verify_cb(ctx, logging_callback);
    return X509_verify_cert(ctx);
}
