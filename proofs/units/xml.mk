# Restricted XML parser (spec/xml.md §4): runtime-error freedom plus the structural
# contracts of impl/formats/xb_xml.h (spans in the input, node count within capacity,
# parents before children, depth within XB-XML-28, decoded values never longer than
# their source).
PROOF_UNITS += xml
PROOF_xml_SRCS := impl/formats/xb_xml.c impl/formats/xb_xml_lex.c impl/formats/xb_xml_nav.c
PROOF_xml_FLAGS :=
