/* xb_input_common.c — the field tables of xb_input_common.h. */
#include "api/xb_input_common.h"

/* XB-JSON-32 (location object), XB-XML-38 (location elements; the other parts are
 * attributes in XML). */
const xb_in_field xb_in_location_fields[] = {
    {offsetof(xb_feed_in, name), "name", "name"},
    {offsetof(xb_feed_in, lat), "lat", "lat"},
    {offsetof(xb_feed_in, lon), "lon", "lon"},
    {offsetof(xb_feed_in, ele), "ele", "ele"},
    {0, NULL, NULL}};

/* XB-JSON-39, XB-XML-42 */
const xb_in_field xb_in_key_fields[] = {
    {offsetof(xb_key_in, label), "label", "label"},
    {offsetof(xb_key_in, expires_at), "expires_at", "expires-at"},
    {offsetof(xb_key_in, private_access), "private_access", "private-access"},
    {0, NULL, NULL}};

/* XB-JSON-40, XB-XML-43 */
const xb_in_field xb_in_trigger_fields[] = {
    {offsetof(xb_trigger_in, url), "url", "url"},
    {offsetof(xb_trigger_in, trigger_type), "trigger_type", "trigger-type"},
    {offsetof(xb_trigger_in, threshold_value), "threshold_value", "threshold-value"},
    {offsetof(xb_trigger_in, environment_id), "environment_id", "environment-id"},
    {offsetof(xb_trigger_in, stream_id), "stream_id", "stream-id"},
    {0, NULL, NULL}};

/* XB-JSON-41, XB-XML-43 */
const xb_in_field xb_in_user_fields[] = {
    {offsetof(xb_user_in, login), "login", "login"},
    {offsetof(xb_user_in, full_name), "full_name", "full-name"},
    {offsetof(xb_user_in, email), "email", "email"},
    {offsetof(xb_user_in, website), "website", "website"},
    {offsetof(xb_user_in, about), "about", "about"},
    {offsetof(xb_user_in, organisation), "organisation", "organisation"},
    {offsetof(xb_user_in, timezone), "timezone", "timezone"},
    {0, NULL, NULL}};
