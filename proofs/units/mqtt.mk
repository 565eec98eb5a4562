# MQTT codec (spec/mqtt.md): framing, UTF-8 validation and the encoders, with functional
# contracts (remaining length equals its logical definition, \result <==> well-formed
# UTF-8, encoders write exactly their computed size and nothing on refusal); see
# proofs/README.md. The CONNECT / PUBLISH / SUBSCRIBE decoders join the unit when their
# proof is complete.
PROOF_UNITS += mqtt
PROOF_mqtt_SRCS := impl/mqtt/xb_mqtt_frame.c impl/mqtt/xb_utf8.c impl/mqtt/xb_mqtt_encode.c impl/mqtt/xb_mqtt_decode.c impl/mqtt/xb_mqtt_connect.c
PROOF_mqtt_FLAGS := -wp-steps 300000
