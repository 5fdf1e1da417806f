/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What ThreadSanitizer is told to accept in the concurrent (_mt) tests: only
 * the kernel's own non-atomicity of element values.
 */
#ifndef UB_TSAN_MT_H
#define UB_TSAN_MT_H

#ifdef __SANITIZE_THREAD__
/*
 * An update of an ARRAY element (array_map_update, which only checks the
 * immutable header and copies the value) stores the value with plain stores
 * while another thread's lookup copies it out, exactly as the kernel's
 * copy_map_value() does: values are not atomic (BPF_F_LOCK exists for that),
 * so a reader may see a torn value and the tests accept either image. Every
 * other race, in the fd table, the object cache or the namespace, is reported.
 * (The inlined array_copy_value frame does not match a suppression here, so
 * the function that contains it is named.)
 */
const char *__tsan_default_suppressions(void);
__attribute__((visibility("default"))) const char *__tsan_default_suppressions(void)
{
	return "race:array_map_update\n";
}
#endif

#endif
