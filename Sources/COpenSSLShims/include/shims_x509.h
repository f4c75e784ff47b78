#ifndef CHIPTRAIL_SHIMS_X509_H
#define CHIPTRAIL_SHIMS_X509_H
#include <stddef.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

/// A STACK_OF(X509) holding a new reference to each of `certs` (the sk_X509_* functions are macros).
STACK_OF(X509) *chiptrail_x509_stack_new(X509 *const *certs, int count);
/// Frees the stack and drops its reference to every element.
void chiptrail_x509_stack_free(STACK_OF(X509) *stack);
int chiptrail_x509_stack_count(const STACK_OF(X509) *stack);
/// The element at `index` (not up-referenced).
X509 *chiptrail_x509_stack_value(const STACK_OF(X509) *stack, int index);

/// Builds one extension from its openssl.cnf text form (e.g. "critical,CA:TRUE,pathlen:1") with
/// X509V3_EXT_nconf_nid and adds it to `cert`; `issuer` supplies the authority key id. 1 on success.
int chiptrail_x509_add_ext_text(X509 *cert, X509 *issuer, int nid, const char *value);
/// The same for a CRL issued by `issuer`.
int chiptrail_crl_add_ext_text(X509_CRL *crl, X509 *issuer, int nid, const char *value);
/// Adds a subjectAltName extension (text form, e.g. "URI:urn:…") to a request's extension attribute.
int chiptrail_req_add_san_text(X509_REQ *req, const char *value);

/// The subjectAltName of a certificate or request, or NULL when absent. Free with chiptrail_general_names_free.
GENERAL_NAMES *chiptrail_x509_get_san(X509 *cert);
GENERAL_NAMES *chiptrail_req_get_san(X509_REQ *req);
int chiptrail_general_names_count(const GENERAL_NAMES *names);
/// The bytes of the name at `index` when it is a URI, else NULL.
const unsigned char *chiptrail_general_name_uri(const GENERAL_NAMES *names, int index, int *length);
void chiptrail_general_names_free(GENERAL_NAMES *names);

/// The key identifier of a CRL's authorityKeyIdentifier, copied into `out` (up to `cap` bytes); its length,
/// or -1 when absent.
int chiptrail_crl_aki(X509_CRL *crl, unsigned char *out, int cap);

/// Revoked entries of a CRL (STACK_OF(X509_REVOKED) accessors are macros).
int chiptrail_crl_revoked_count(X509_CRL *crl);
X509_REVOKED *chiptrail_crl_revoked_value(X509_CRL *crl, int index);

/// Every error the verification reported, in order, each with the chain depth it was reported at.
typedef struct chiptrail_verify_log chiptrail_verify_log;
chiptrail_verify_log *chiptrail_verify_log_new(void);
void chiptrail_verify_log_free(chiptrail_verify_log *log);
int chiptrail_verify_log_count(const chiptrail_verify_log *log);
int chiptrail_verify_log_depth(const chiptrail_verify_log *log, int index);
int chiptrail_verify_log_error(const chiptrail_verify_log *log, int index);

/// Runs X509_verify_cert with a callback that records every error into `log` and lets verification
/// continue, so that all problems are found in one pass. Returns X509_verify_cert's result.
int chiptrail_x509_verify_logging(X509_STORE_CTX *ctx, chiptrail_verify_log *log);
#endif
