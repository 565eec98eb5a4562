# CSV write parser (spec/csv.md §3, §4) and ISO 8601 timestamps: runtime-error freedom
# plus the functional contracts of impl/formats/xb_csv.h — the fields of each record are
# exactly the pieces between unquoted commas (xb_csv_pieces over the state machine
# xb_csv_step), trimmed and unquoted as XB-CSV-17..20 say; UTF-8 checked per RFC 3629;
# every span inside the payload; entries within capacity and validated (ds-id, value
# bytes, timestamps in range, XB-CSV-25/26 timestamp rules).
# Goals over the record state machine need more than the default step budget for z3.
PROOF_UNITS += csv
PROOF_csv_SRCS := impl/formats/xb_csv.c impl/formats/xb_csv_shape.c impl/formats/xb_time.c
PROOF_csv_FLAGS := -wp-steps 4000000
