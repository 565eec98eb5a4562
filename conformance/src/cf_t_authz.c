#include "cf_check.h"
void cf_area_authz(cf_reg *r) { (void)r; }
