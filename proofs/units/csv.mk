# CSV payload checks and ISO 8601 timestamps (spec/csv.md §3, XB-CSV-14, XB-CSV-17,
# spec/resources.md XB-RES-6/7): runtime-error freedom plus the functional contracts —
# the UTF-8 check is exactly RFC 3629 (xb_u8ok over the logic decoder xb_u8len), the BOM
# check, the decoded size of a field content (xb_csv_dlen: a doubled quote counts once)
# and its copy, error positions; timestamps: digit and separator layout, range, *us left
# untouched on failure.
# The record tokenizer (impl/formats/xb_csv_line.c: fields = the comma-separated pieces
# of each line) is the unit csvline (proofs/units/csvline.mk); the write shapes
# (xb_csv_shape.c, xb_csv_parse.c) the unit csvshape.
# Step limit: the costliest goals (z3 on the xb_iso8601_format calls and assigns, the
# xb_csv_decoded_size and xb_csv_decode accesses) take up to ~200k z3 steps (measured
# 150k-202k; z3's count includes loading the WP prelude); 400k keeps the verdict
# step-determined with headroom. Most of the time of a run is WP's own simplifier (Qed)
# on xb_iso8601_parse and xb_iso8601_format, cache or not.
PROOF_UNITS += csv
PROOF_csv_SRCS := impl/formats/xb_csv.c impl/formats/xb_time.c
PROOF_csv_FLAGS := -wp-steps 400000
# Seconds of a cached run in a fresh clone (2026-11-25), only to start the longest units first.
PROOF_csv_COST := 230
