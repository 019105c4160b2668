/*
 * The built-in policy layers, compiled into libguard (see guard_policy.c):
 * the shipped YAML, the tree the build made of it (default.json and
 * nightbuilder.json, found through the assembler's -I: see the Makefile),
 * and the SHA-256 of that tree's canonical JSON (*.digest).
 */
	.section .rodata
	.global guard_embedded_default
	.global guard_embedded_nightbuilder
	.global guard_embedded_default_json
	.global guard_embedded_nightbuilder_json
	.global guard_embedded_default_digest
	.global guard_embedded_nightbuilder_digest
guard_embedded_default:
	.incbin "policy/default.yaml"
	.byte 0
guard_embedded_nightbuilder:
	.incbin "policy/nightbuilder.yaml"
	.byte 0
guard_embedded_default_json:
	.incbin "default.json"
	.byte 0
guard_embedded_nightbuilder_json:
	.incbin "nightbuilder.json"
	.byte 0
guard_embedded_default_digest:
	.incbin "default.digest"
	.byte 0
guard_embedded_nightbuilder_digest:
	.incbin "nightbuilder.digest"
	.byte 0
	.section .note.GNU-stack,"",%progbits
