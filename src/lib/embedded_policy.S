/* The built-in policy layers, compiled into libguard (see guard_policy.c). */
	.section .rodata
	.global guard_embedded_default
	.global guard_embedded_nightbuilder
guard_embedded_default:
	.incbin "policy/default.yaml"
	.byte 0
guard_embedded_nightbuilder:
	.incbin "policy/nightbuilder.yaml"
	.byte 0
	.section .note.GNU-stack,"",%progbits
