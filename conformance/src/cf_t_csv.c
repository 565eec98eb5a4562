#include "cf_check.h"
void cf_area_csv(cf_reg *r) { (void)r; }
