#include "cf_check.h"
void cf_area_limits(cf_reg *r) { (void)r; }
