/*
 * test_render_util.h — fixtures shared by the renderer tests (test_render_*.c): the
 * rows of the output examples of spec/json.md §2 and spec/xml.md §2 (feed 504 with
 * datastreams "0" and "temp", two datapoints of "0"), and instants given as text.
 */
#ifndef TEST_RENDER_UTIL_H
#define TEST_RENDER_UTIL_H

#include <stdint.h>

#include "api/xb_render.h"

/* A string literal as an xb_str. */
#define S(x) ((xb_str){(x), sizeof(x) - 1})

/* An instant given as text (asserts it parses). */
int64_t tr_time(const char *iso);

/* Feed 504 "Office" with every attribute and a fixed location. */
xb_feed_row tr_feed504(void);
/* Datastream "0" of feed 504, written, with every attribute. */
xb_ds_row tr_ds0(void);
/* Datastream "temp" of feed 504, never written. */
xb_ds_row tr_ds_temp(void);
/* The two datapoints of datastream "0" (21.4, then 21.5 at its current time). */
void tr_points(xb_point_row pts[2]);

#endif
