#include "cf_check.h"
void cf_area_protocol(cf_reg *r) { (void)r; }
