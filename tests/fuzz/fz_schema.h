/*
 * fz_schema.h -- the order.xsd check shared by the fuzz targets that build
 * host documents (fuzz_order_doc, fuzz_bmp_order): a document a converter
 * produced must be well-formed and valid, or the target aborts.
 */
#ifndef FZ_SCHEMA_H
#define FZ_SCHEMA_H

#include <stddef.h>

/* Abort unless xml (len bytes) is well-formed and valid against
 * $BMC_SCHEMA_DIR/order.xsd (default: the source tree's schemas/).  The
 * schema is loaded once per process. */
void fz_order_doc_check(const char *xml, size_t len);

#endif /* FZ_SCHEMA_H */
