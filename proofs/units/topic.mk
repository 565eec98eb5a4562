# Topic parser (spec/topics.md): runtime-error freedom on every byte string (XB-TOPIC-5)
# plus the functional contracts of impl/topic/xb_topic.h — on XB_TOPIC_OK (and on a
# query status, for the path part) every span lies inside the topic and comes in topic
# order (key before version before feed before ds-id before timestamp before query);
# each span satisfies its rule's characters and length (api-key, ds-id, login, feed-id,
# timestamp, pvalue); feed and trigger ids equal the decimal value of their digits and
# are at most 2147483647; each query slot satisfies its value rule and range; a topic
# accepted by xb_topic_parse holds no '+' or '#'.
PROOF_UNITS += topic
PROOF_topic_SRCS := impl/topic/xb_topic.c impl/topic/xb_topic_query.c impl/topic/xb_topic_lex.c
PROOF_topic_FLAGS :=
# Seconds of a cached run in a fresh clone (2026-11-25), only to start the longest units first.
PROOF_topic_COST := 460
