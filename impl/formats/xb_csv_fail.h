/*
 * xb_csv_fail.h — internal to the CSV parser: the one function that fills an xb_csv_error,
 * shared by the payload check (xb_csv.c, where it is defined and proved: unit csv) and the
 * tokenizer (xb_csv_line.c, whose proof, unit csvline, uses this contract).
 */
#ifndef XB_CSV_FAIL_H
#define XB_CSV_FAIL_H

#include "formats/xb_csv.h"

/*@
  requires err == \null || \valid(err);
  assigns *err;
  ensures err != \null ==> err->reason == r && err->off == off && err->line == line
                          && err->col == col;
*/
void xb_csv_fail(xb_csv_error *err, xb_csv_reason r, size_t off, size_t line, size_t col);

#endif
