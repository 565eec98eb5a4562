# PENDING (not included by the Makefile): the rest of the CSV write parser, i.e. the record
# tokenizer (fields = exactly the comma-separated pieces of each line, xb_csv_pieces over
# xb_csv_step) and the write shapes of spec/csv.md §4. xb_csv.c and xb_time.c are proved
# in proofs/units/csv.mk. Run by hand with:
#   tools/wp-run.sh csv build-csv/proofs build-csv/sess "$(PROOF_csvrest_SRCS)" "$(PROOF_csvrest_FLAGS)"
# (-wp-fct f1,f2 to iterate on a few functions; WP_PAR=1 on the shared machine).
#
# Unproved goals, z3 + cvc4 at -wp-steps 300000 (2026-11-24):
#  impl/formats/xb_csv_line.c (restructured: scanner, verdict, field builder and judge
#  return by value; every write that must keep the pieces facts goes through a store
#  helper; the line search is xb_csv_find_line). Proved: xb_csv_scan_field,
#  xb_csv_make_field, xb_csv_judge, xb_csv_put_count, xb_csv_store_field,
#  xb_csv_store_count, and 106/107 goals of xb_csv_split_line. Left:
#   - xb_csv_put_field: assert "fields[k] == \at(fields[k], Pre)" and ensures closed(n+1).
#     The field-wise frame from xb_csv_store_field (xb_csv_same_spans) is stated as a
#     predicate; the record equality in the goal gives the provers no term to instantiate
#     it with (trigger). Next step: state the frame per field with the record loads as the
#     instantiation terms, or prove closed(n+1) directly from same_spans.
#   - xb_csv_split_line: call xb_csv_put_field requires_5 (adjacency of fields[n-1] and the
#     new field: the loop invariant now states it in the same terms; rerun).
#   - xb_csv_next_record: ensures_9 (pieces of rec) and the assert that the cursor is kept
#     across xb_csv_split_line; xb_csv_find_line, xb_csv_store_record and
#     xb_csv_put_record were not run in their final form.
#  impl/formats/xb_csv_shape.c (run on the earlier tokenizer; only xb_csv_parse reached):
#   - xb_csv_parse: ensures_4 (*n == 0 unless OK), ensures_5 (entries valid), loop
#     invariants 5, 7, 8, 9, 11, 12, 13 preserved (count == nrec, count bound, entries
#     valid) and call xb_csv_take_record requires_18. Cause: count, perr, cur and f are
#     locals in memory (address taken) in the same uint64 memory as entries[] and *n, so
#     every call havocs what the invariants read. Next step: take_record returns
#     {status, count, error} by value, entry validity by value (entries[k]), and a small
#     wrapper around xb_csv_next_record that carries the entries facts across it.
#   - the static functions of xb_csv_shape.c were not reached by that run.
PROOF_csvrest_SRCS := impl/formats/xb_csv_line.c impl/formats/xb_csv_shape.c
PROOF_csvrest_FLAGS := -wp-steps 300000
