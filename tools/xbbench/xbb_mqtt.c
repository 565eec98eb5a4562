/* MQTT 3.1.1 packets, only what a QoS 0 load generator sends and receives. */
#include "xbb.h"

#include <string.h>

/* Remaining length as a variable byte integer; returns its size (1..4). */
static size_t put_varint(unsigned char *p, size_t v)
{
    size_t n = 0;
    do {
        unsigned char b = (unsigned char)(v % 128u);
        v /= 128u;
        if (v > 0) {
            b = (unsigned char)(b | 0x80u);
        }
        p[n++] = b;
    } while (v > 0 && n < 4);
    return n;
}

static size_t varint_size(size_t v)
{
    return v < 128u ? 1 : v < 16384u ? 2 : v < 2097152u ? 3 : 4;
}

static unsigned char *put_str(unsigned char *p, const char *s, size_t n)
{
    p[0] = (unsigned char)(n / 256u);
    p[1] = (unsigned char)(n % 256u);
    memcpy(p + 2, s, n);
    return p + 2 + n;
}

size_t xbb_enc_connect(unsigned char *buf, size_t cap, const char *client_id,
                       const char *username, uint16_t keepalive)
{
    size_t id_len = strlen(client_id);
    size_t user_len = username != NULL ? strlen(username) : 0;
    size_t rem = 10 + 2 + id_len + (username != NULL ? 2 + user_len : 0);
    size_t total = 1 + varint_size(rem) + rem;
    if (total > cap || id_len > 65535u || user_len > 65535u || rem > 268435455u) {
        return 0;
    }
    unsigned char *p = buf;
    *p++ = (unsigned char)(XBB_CONNECT << 4);
    p += put_varint(p, rem);
    p = put_str(p, "MQTT", 4);
    *p++ = 4;                                           /* protocol level 3.1.1 */
    *p++ = (unsigned char)(0x02u | (username != NULL ? 0x80u : 0u)); /* clean session */
    *p++ = (unsigned char)(keepalive / 256u);
    *p++ = (unsigned char)(keepalive % 256u);
    p = put_str(p, client_id, id_len);
    if (username != NULL) {
        p = put_str(p, username, user_len);
    }
    return (size_t)(p - buf);
}

size_t xbb_enc_subscribe(unsigned char *buf, size_t cap, uint16_t packet_id,
                         const char *filter)
{
    size_t f_len = strlen(filter);
    size_t rem = 2 + 2 + f_len + 1;
    size_t total = 1 + varint_size(rem) + rem;
    if (total > cap || f_len > 65535u) {
        return 0;
    }
    unsigned char *p = buf;
    *p++ = (unsigned char)(XBB_SUBSCRIBE << 4 | 0x02);  /* reserved flags 0010 */
    p += put_varint(p, rem);
    *p++ = (unsigned char)(packet_id / 256u);
    *p++ = (unsigned char)(packet_id % 256u);
    p = put_str(p, filter, f_len);
    *p++ = 0;                                           /* requested QoS 0 */
    return (size_t)(p - buf);
}

size_t xbb_enc_publish(unsigned char *buf, size_t cap, const char *topic, size_t topic_len,
                       bool retain, const unsigned char *payload, size_t payload_len)
{
    size_t rem = 2 + topic_len + payload_len;
    size_t total = 1 + varint_size(rem) + rem;
    if (total > cap || topic_len > 65535u || rem > 268435455u) {
        return 0;
    }
    unsigned char *p = buf;
    *p++ = (unsigned char)(XBB_PUBLISH << 4 | (retain ? 1 : 0));  /* QoS 0 */
    p += put_varint(p, rem);
    p = put_str(p, topic, topic_len);
    memmove(p, payload, payload_len);
    p += payload_len;
    return (size_t)(p - buf);
}

size_t xbb_enc_simple(unsigned char *buf, size_t cap, int type)
{
    if (cap < 2) {
        return 0;
    }
    buf[0] = (unsigned char)(type << 4);
    buf[1] = 0;
    return 2;
}

size_t xbb_packet(const unsigned char *buf, size_t len, size_t max_len,
                  unsigned char *header, const unsigned char **body, size_t *body_len)
{
    if (len < 2) {
        return 0;
    }
    size_t rem = 0;
    size_t mult = 1;
    size_t i = 1;
    for (;;) {
        if (i >= len) {
            return 0;
        }
        if (i > 4) {
            return SIZE_MAX;                /* a fifth length byte: malformed */
        }
        unsigned char b = buf[i++];
        rem += (size_t)(b & 0x7fu) * mult;
        if ((b & 0x80u) == 0) {
            break;
        }
        mult *= 128u;
    }
    if (rem > max_len || i + rem > max_len) {
        return SIZE_MAX;
    }
    if (len - i < rem) {
        return 0;
    }
    *header = buf[0];
    *body = buf + i;
    *body_len = rem;
    return i + rem;
}
