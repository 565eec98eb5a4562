#include "cf_check.h"
void cf_area_topics(cf_reg *r) { (void)r; }
