#include "cf_check.h"
void cf_area_tls(cf_reg *r) { (void)r; }
