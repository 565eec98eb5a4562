# Strict JSON parser (spec/json.md §3): runtime-error freedom on every byte string
# (XB-JSON-27) plus the functional contracts of impl/formats/xb_json.h — on every result
# the tokens written lie inside the input (off + len <= len), parents come before their
# children one level up and are containers, depth never exceeds the effective limit
# (32 by default, XB-JSON-23; clamped to 255), next/children stay in range, no string
# token holds a raw control character (XB-JSON-22), at most cap tokens are written, the
# error offset is within the input, and on OK the root's subtree is exactly the tokens
# written; each accepted string body is well-formed UTF-8 character by character
# (xb_json__scan_string, XB-JSON-21); the lexers stop inside the input; the decoders
# never write past their buffer and never produce more bytes than the span holds.
# Step limit: the costliest goals (token-array frame facts in xb_json__bump and the
# state-machine step) need up to ~425k steps (measured); 600k keeps the verdict
# step-determined with headroom.
PROOF_UNITS += json
PROOF_json_SRCS := impl/formats/xb_json_lex.c impl/formats/xb_json_parse.c impl/formats/xb_json_str.c
PROOF_json_FLAGS := -wp-steps 600000
# Seconds of a cached run in a fresh clone (2026-11-25), only to start the longest units first.
PROOF_json_COST := 330
