#include "cf_check.h"
void cf_area_will(cf_reg *r) { (void)r; }
