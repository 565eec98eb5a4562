#include "cf_check.h"
void cf_area_qos(cf_reg *r) { (void)r; }
