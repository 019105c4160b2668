/*
 * policy-json: a build step. Validates a shipped policy file as the
 * built-in layer and prints its tree as JSON, which the build compiles
 * into libguard beside the YAML (src/lib/embedded_policy.S). A program
 * whose built-in layer has exactly the shipped text then reads that JSON
 * instead of parsing and validating the YAML on every start (most of a
 * hook call's work otherwise). An invalid shipped policy fails the build.
 *
 *   policy-json FILE.yaml > FILE.json
 *   policy-json --digest FILE.yaml > FILE.digest
 *
 * --digest prints the SHA-256 of the tree's canonical JSON instead: the
 * layer's part of the policy revision (guard_policy_load), so a hook call
 * does not hash the shipped policy again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>

#include "guard_error.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_policy.h"
#include "guard_yaml.h"

/* libguard refers to the compiled-in copies; this program is what makes them. */
const char guard_embedded_default[] = "", guard_embedded_nightbuilder[] = "";
const char guard_embedded_default_json[] = "", guard_embedded_nightbuilder_json[] = "";
const char guard_embedded_default_digest[] = "", guard_embedded_nightbuilder_digest[] = "";

int
main(int argc, char **argv)
{
	struct guard_list errors = GUARD_LIST_INIT;
	struct guard_yaml_doc doc;
	char *json;
	int rc = 0;
	bool digest = argc == 3 && !strcmp(argv[1], "--digest");

	if (argc != 2 && !digest) {
		fprintf(stderr, "usage: policy-json [--digest] FILE.yaml > FILE.json\n");
		return 2;
	}
	argv += digest;
	guard_yaml_init(&doc);
	if (guard_policy_validate_file(argv[1], GUARD_LAYER_BUILTIN, &errors) < 0 ||
	    guard_yaml_parse_file(&doc, argv[1], &errors) < 0) {
		for (size_t i = 0; i < errors.len; i++)
			fprintf(stderr, "policy-json: %s\n", errors.items[i]);
		if (!errors.len)
			fprintf(stderr, "policy-json: %s\n", guard_error_last());
		rc = 1;
	} else if (!(json = digest ? guard_json_canonical(doc.root) : cJSON_PrintUnformatted(doc.root))) {
		fprintf(stderr, "policy-json: out of memory\n");
		rc = 1;
	} else {
		char hex[GUARD_SHA256_HEX];
		if (digest)
			guard_sha256_hex(json, strlen(json), hex);
		if ((digest ? fputs(hex, stdout) : puts(json)) == EOF || fflush(stdout) == EOF) {
			perror("policy-json: stdout");
			rc = 1;
		}
		free(json);
	}
	guard_yaml_release(&doc);
	guard_list_clear(&errors);
	return rc;
}
