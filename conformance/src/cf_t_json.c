#include "cf_check.h"
void cf_area_json(cf_reg *r) { (void)r; }
