#include "cf_check.h"
void cf_area_xml(cf_reg *r) { (void)r; }
