// The ENGINE API is deprecated in OpenSSL 3 but is how libp11's engine (Debian's libengine-pkcs11-openssl)
// is reached; keep the deprecation to this one file.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "shims_pkcs11.h"
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/ui.h>

ENGINE *chiptrail_pkcs11_engine_new(const char *module_path, int *stage) {
    *stage = 1;
    ENGINE *e = ENGINE_by_id("pkcs11");
    if (e == NULL) return NULL;
    *stage = 2;
    if (!ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module_path, 0)) {
        ENGINE_free(e);
        return NULL;
    }
    // QUIET stops libp11 from writing its diagnostics to stderr; the error queue still says what failed.
    (void)ENGINE_ctrl_cmd_string(e, "QUIET", NULL, 1);
    ERR_clear_error();
    *stage = 3;
    if (!ENGINE_init(e)) {
        ENGINE_free(e);
        return NULL;
    }
    *stage = 0;
    return e;
}

int chiptrail_pkcs11_engine_set_module(ENGINE *e, const char *module_path) {
    return ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module_path, 0);
}

int chiptrail_pkcs11_engine_set_pin(ENGINE *e, const char *pin) {
    return ENGINE_ctrl_cmd_string(e, "PIN", pin, 0);
}

EVP_PKEY *chiptrail_pkcs11_load_private_key(ENGINE *e, const char *uri) {
    return ENGINE_load_private_key(e, uri, (UI_METHOD *)UI_null(), NULL);
}

EVP_PKEY *chiptrail_pkcs11_load_public_key(ENGINE *e, const char *uri) {
    return ENGINE_load_public_key(e, uri, (UI_METHOD *)UI_null(), NULL);
}

void chiptrail_pkcs11_engine_release(ENGINE *e) {
    ENGINE_finish(e);
    ENGINE_free(e);
}
