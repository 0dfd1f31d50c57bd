/* Hand-written fragment of aws/common/common.h: the headers upstream's common.h gathers. */
#include <aws/common/assert.h>
#include <aws/common/error.h>
#include <aws/common/exports.h>
#include <aws/common/macros.h>
#include <aws/common/platform.h>
#include <aws/common/stdbool.h>
#include <aws/common/stdint.h>
#include <aws/common/zero.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
