/*
 * xb_input_common.h — the fields that the JSON and XML write mappers read alike: the
 * same scalar fields of a write structure (xb_write.h), in the same order, one by one
 * (a JSON member, an XML leaf element), each named in both formats. A table is walked in
 * order and the walk stops at the first error, so its order is the order in which the
 * fields are checked, the same in both formats (XB-RES-90).
 */
#ifndef XB_INPUT_COMMON_H
#define XB_INPUT_COMMON_H

#include <stddef.h>

#include "api/xb_write.h"

typedef struct {
  size_t off;       /* offsetof(the structure, its xb_val member) */
  const char *json; /* the member name (spec/json.md); NULL ends the table */
  const char *xml;  /* the element name (spec/xml.md) */
} xb_in_field;

/* The xb_val of field f in the structure at in. */
static inline xb_val *xb_in_val(void *in, const xb_in_field *f) {
  return (xb_val *)((char *)in + f->off);
}

extern const xb_in_field xb_in_location_fields[]; /* xb_feed_in: name, lat, lon, ele */
extern const xb_in_field xb_in_key_fields[];      /* xb_key_in: all but permissions */
extern const xb_in_field xb_in_trigger_fields[];  /* xb_trigger_in */
extern const xb_in_field xb_in_user_fields[];     /* xb_user_in */

#endif
