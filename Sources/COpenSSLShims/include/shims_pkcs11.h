#ifndef CHIPTRAIL_SHIMS_PKCS11_H
#define CHIPTRAIL_SHIMS_PKCS11_H
#include <openssl/types.h>

/// libp11's PKCS#11 engine ("pkcs11"), found by OpenSSL in its engines directory (or $OPENSSL_ENGINES),
/// told which PKCS#11 module to load, silenced (it would otherwise print to stderr) and initialised.
/// Returns an engine holding one structural and one functional reference (release with
/// chiptrail_pkcs11_engine_release), or NULL with the reason on the OpenSSL error queue; `*stage` says how
/// far it got: 1 the engine was not found, 2 the module path was refused, 3 initialisation failed.
/// These wrappers exist because the ENGINE API is deprecated in OpenSSL 3 and still the only way to reach
/// libp11 on Debian 12 (there is no pkcs11 provider package).
ENGINE *chiptrail_pkcs11_engine_new(const char *module_path, int *stage);

/// Sets the engine's PKCS#11 module (MODULE_PATH); used again before each load because every
/// ENGINE_by_id("pkcs11") in a process shares one libp11 context.
int chiptrail_pkcs11_engine_set_module(ENGINE *e, const char *module_path);

/// Gives the engine the token PIN (libp11 copies it and cleanses its copy when the engine is finished).
int chiptrail_pkcs11_engine_set_pin(ENGINE *e, const char *pin);

/// ENGINE_load_private_key with a UI that never prompts; NULL with the OpenSSL error queue on failure.
EVP_PKEY *chiptrail_pkcs11_load_private_key(ENGINE *e, const char *uri);

/// ENGINE_load_public_key with a UI that never prompts; NULL with the OpenSSL error queue on failure.
EVP_PKEY *chiptrail_pkcs11_load_public_key(ENGINE *e, const char *uri);

/// ENGINE_finish and ENGINE_free: drops the references chiptrail_pkcs11_engine_new took. Keys loaded through
/// the engine hold their own reference, so they stay usable after this.
void chiptrail_pkcs11_engine_release(ENGINE *e);
#endif
