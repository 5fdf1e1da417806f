// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The userbpf CLI (placeholder entry; see docs/cli.md). */
#include <stdio.h>
int main(void)
{
	puts("userbpf");
	return 0;
}
