/*
 * guard-audit report's page (share/report/report.html), compiled into the
 * program so it works from the build tree and after install alike; the
 * data goes in at its @@GUARD_REPORT_DATA@@ mark (src/audit_read.c).
 */
	.section .rodata
	.global guard_report_template
guard_report_template:
	.incbin "share/report/report.html"
	.byte 0
	.section .note.GNU-stack,"",%progbits
