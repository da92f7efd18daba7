/*
 * pc_rc.h -- text for enum bmc_rc, shared by both plugins (plugin/common).
 */
#ifndef PC_RC_H
#define PC_RC_H

/* Static English text for an enum bmc_rc value; never NULL. */
const char *pc_strerror(int rc);

#endif /* PC_RC_H */
