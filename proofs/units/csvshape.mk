# CSV write shapes (impl/formats/xb_csv_shape.c, xb_csv_parse.c; spec/csv.md §4,
# XB-CSV-21..31, spec/resources.md XB-RES-3, -6, -50, -63, -86): runtime-error freedom
# plus the functional contract of xb_csv_parse — BAD_ARGUMENT exactly for a caller bug;
# on any other failure *n is 0; on OK 1 <= *n <= cap and every entry is what the shape
# allows (xb_csv_entry_m: value span inside the payload, decoded size <= 255 bytes and
# no control character, a timestamp in range when present, a valid ds-id for the feed
# and datastreams shapes and no id otherwise, a timestamp on every datapoint); an id
# repeated across records has a timestamp on each of them (XB-CSV-25), several records
# of one datastream all have timestamps (XB-CSV-26), the one-record shapes give exactly
# one entry, and the v1 feed's entries are numbered by position (XB-CSV-27).
# The tokenizer (xb_csv_line.c), the payload check (xb_csv.c) and timestamps (xb_time.c)
# are read for their contracts only: they are proved in the units csvline and csv, so
# -wp-fct limits this unit to the functions of the two shape files.
# Step limit: every goal is proved at -wp-steps 1000000 (measured 2026-11-25; the
# costliest answer is cvc4's on xb_csv_take_positions' index invariant, 752k; z3's count
# grows with the limit, as in csvline, so its figures are not a measure); 1.5M gives
# headroom. 666 goals; cold run about 3.5 CPU-min, cached rerun about 2 (WP_PAR=1).
PROOF_UNITS += csvshape
PROOF_csvshape_SRCS := impl/formats/xb_csv.c impl/formats/xb_time.c \
  impl/formats/xb_csv_line.c impl/formats/xb_csv_shape.c impl/formats/xb_csv_parse.c
PROOF_csvshape_FLAGS := -wp-steps 1500000 -wp-fct xb_csv_is_dsid,xb_csv_take_value,xb_csv_take_at,xb_csv_field_error,xb_csv_put_entry,xb_csv_take_positions,xb_csv_take_fields,xb_csv_take_record,xb_csv_same_id,xb_csv_cross_check,xb_csv_shape_counts,xb_csv_next_spans,xb_csv_read_records,xb_csv_put_n,xb_csv_parse
# Seconds of a cached run in a fresh clone (2026-11-25), only to start the longest units first.
PROOF_csvshape_COST := 175
