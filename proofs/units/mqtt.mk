# MQTT codec (spec/mqtt.md), every function: framing, UTF-8 validation, the encoders and
# the decoders (CONNECT, PUBLISH, PUBACK/PUBREC/PUBREL/PUBCOMP, SUBSCRIBE/UNSUBSCRIBE),
# with functional contracts: the remaining length equals its logical definition,
# \result <==> well-formed UTF-8, encoders write exactly their computed size and nothing
# on refusal; each decoder's verdict equals a logical predicate of the body (flag rules,
# reserved bits malformed), its spans lie in the body and its fields end exactly at len,
# and its output is written on success only. See proofs/README.md.
# Step limit: CVC4 needs at most ~202k steps on this unit, Z3 (whose count includes a
# per-goal baseline) up to ~298k on a few goals it proves in under 0.1 s (measured
# 2026-11-24); 300k keeps the verdict step-determined.
PROOF_UNITS += mqtt
PROOF_mqtt_SRCS := impl/mqtt/xb_mqtt_frame.c impl/mqtt/xb_utf8.c impl/mqtt/xb_mqtt_encode.c impl/mqtt/xb_mqtt_decode.c impl/mqtt/xb_mqtt_connect.c
PROOF_mqtt_FLAGS := -wp-steps 300000
# Seconds of a cached run in a fresh clone (2026-11-25), only to start the longest units first.
PROOF_mqtt_COST := 330
