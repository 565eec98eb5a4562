#include "cf_check.h"
void cf_area_subscribe(cf_reg *r) { (void)r; }
