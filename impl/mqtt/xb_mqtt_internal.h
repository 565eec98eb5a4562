/*
 * xb_mqtt_internal.h — helpers shared by the codec's decoders (not part of the API).
 */
#ifndef XB_MQTT_INTERNAL_H
#define XB_MQTT_INTERNAL_H

#include "mqtt/xb_mqtt.h"

/* End offset of the MQTT string (2-byte length + bytes) at b[pos], 0 if it does not fit
 * in b[0 .. len-1] (XB-MQTT-11). 0 is never a valid end, a string takes >= 2 bytes. */
size_t xb_mqtt_string_end(const uint8_t *b, size_t len, size_t pos);

#endif
