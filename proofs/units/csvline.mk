# CSV record tokenizer (impl/formats/xb_csv_line.c; spec/csv.md §3, XB-CSV-15..20): runtime-
# error freedom plus the functional contracts of xb_csv.h — xb_csv_split_line: on OK the
# fields are exactly the comma-separated pieces of the line (xb_csv_pieces over the
# logical state machine xb_csv_step / xb_csv_st and the separator count xb_csv_nsep: the
# first starts at lo, the last ends at hi, consecutive pieces one unquoted comma apart,
# no piece holds a separator, so the count is the separators plus one; each field trimmed
# and unquoted as xb_csv_field_m says), the line is well-formed and holds no LF; on SYNTAX
# the reason is justified by the bytes (error state reached, quote left open, an overlong
# field, more separators than the cap allows); xb_csv_next_record: blank lines skipped,
# the record is a whole non-blank line with its terminator, its fields are its pieces,
# the cursor only moves forward. The write shapes (xb_csv_shape.c, xb_csv_parse.c) are
# the unit csvshape.
# Step limit: every goal is proved at -wp-steps 300000 (measured 2026-11-24: the costliest
# answers were z3 on xb_csv_judge's overlong-field assertion, 301k, and cvc4 on
# xb_csv_put_field's frame, 279k); 600k gives that 2x headroom. z3's count includes
# loading the WP prelude and, on this unit, grows with the limit (at 600k it reports up
# to 594k on goals it answers in 0.1-0.2 s), so the 300k run is the measurement.
PROOF_UNITS += csvline
PROOF_csvline_SRCS := impl/formats/xb_csv_line.c
PROOF_csvline_FLAGS := -wp-steps 600000
# Seconds of a cached run in a fresh clone (2026-11-25), only to start the longest units first.
PROOF_csvline_COST := 110
