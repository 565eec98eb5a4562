# PENDING (not included by the Makefile): the write shapes of spec/csv.md §4
# (impl/formats/xb_csv_shape.c). xb_csv.c and xb_time.c are proved in
# proofs/units/csv.mk, the record tokenizer (xb_csv_line.c: fields = exactly the
# comma-separated pieces of each line) in proofs/units/csvline.mk. Run by hand with:
#   tools/wp-run.sh csvshape build-csv/proofs build-csv/sess "$(PROOF_csvrest_SRCS)" "$(PROOF_csvrest_FLAGS)"
# (-wp-fct f1,f2 to iterate on a few functions; WP_PAR=1 on the shared machine).
#
# Status (2026-11-24): not rerun since the tokenizer proof was finished; the last run
# (on the earlier tokenizer, z3 + cvc4 at -wp-steps 300000) only reached xb_csv_parse:
#   - xb_csv_parse: ensures_4 (*n == 0 unless OK), ensures_5 (entries valid), loop
#     invariants 5, 7, 8, 9, 11, 12, 13 preserved (count == nrec, count bound, entries
#     valid) and call xb_csv_take_record requires_18. Cause: count, perr, cur and f are
#     locals in memory (address taken) in the same uint64 memory as entries[] and *n, so
#     every call havocs what the invariants read.
#   - the static functions of xb_csv_shape.c were not reached by that run.
# Next steps, with what made the tokenizer go through (xb_csv_line.c):
#   - take_record returns {status, count, error} by value; no local whose address is
#     taken (cursor and error by value, or written after the calls);
#   - state the entries facts member by member (entries[k].val_off, ...), never as a
#     predicate over a whole entries[k] record or over (entries, k): the provers only
#     instantiate a quantifier on terms the goal contains, and a predicate application
#     over a memory that a write has changed is such a term only in the old memory;
#   - write entries[*count] through a small function that asserts the member-wise frame
#     (k < count unchanged) and re-folds the facts, as xb_csv_put_field does;
#   - spell the facts out in that function's ensures (its caller folds them), and give
#     arithmetic arguments (rec->off + rec->len) an intermediate assert with the plain
#     variable first (xb_csv_put_record, xb_csv_put_cursor).
PROOF_csvrest_SRCS := impl/formats/xb_csv_line.c impl/formats/xb_csv_shape.c
PROOF_csvrest_FLAGS := -wp-steps 600000
