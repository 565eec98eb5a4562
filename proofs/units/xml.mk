# Restricted XML parser (spec/xml.md §4): runtime-error freedom plus the structural
# contracts of impl/formats/xb_xml.h (spans in the input, node count within capacity,
# parents before children, depth within XB-XML-28, decoded values never longer than
# their source).
# Step limit: the goals that re-establish the node-tree invariant after a markup step
# carry the whole invariant in their context and need up to ~300k CVC4 steps (measured:
# 160k-285k); 600k keeps the verdict step-determined with headroom.
PROOF_UNITS += xml
PROOF_xml_SRCS := impl/formats/xb_xml.c impl/formats/xb_xml_lex.c impl/formats/xb_xml_nav.c
PROOF_xml_FLAGS := -wp-steps 600000
# Seconds of a cached run in a fresh clone (2026-11-25), only to start the longest units first.
PROOF_xml_COST := 340
