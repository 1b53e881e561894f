/*
 * The capabilities this build of cryptoreg serves, one line each.  The
 * router, the OpenAPI document, the migrator and the job runner read this
 * list and nothing else: adding a capability is adding its folder and its
 * line here (and its add_subdirectory in CMakeLists.txt).
 */
#include "platform/capability.h"

extern const struct capability system_capability;
extern const struct capability kernel_capability;
extern const struct capability registry_capability;
extern const struct capability transparency_capability;
extern const struct capability licensing_capability;
extern const struct capability filing_capability;

const struct capability *const capabilities[] = {
    &system_capability,       /* platform/http: liveness, metrics, the API description */
    &kernel_capability,       /* bureaus, rules, the legal calendar, the audit trail */
    &registry_capability,     /* enterprises, users, sign-in, sessions, tokens */
    &transparency_capability, /* the transparency log of public acts and its witnesses */
    &licensing_capability,    /* products, applications, type certificates */
    &filing_capability,       /* the annual sales filing */
};
const size_t capabilities_len = CAPABILITY_COUNT(capabilities);
