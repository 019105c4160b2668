/* The audit report's data and anomaly list (guard_audit_report.c), from records made here. */
#include <stdbool.h>

#include "guard_audit_report.h"
#include "guard_buf.h"
#include "unit.h"

/* A decision record as the log holds one (only what the report reads). */
static cJSON *
rec(unsigned seq, const char *ts, const char *session, const char *effect, const char *summary)
{
	cJSON *r = cJSON_CreateObject(), *d, *k;

	cJSON_AddNumberToObject(r, "seq", seq);
	cJSON_AddStringToObject(r, "ts", ts);
	cJSON_AddStringToObject(r, "event", "decision");
	cJSON_AddStringToObject(r, "session", session);
	cJSON_AddStringToObject(r, "tool", "Bash");
	cJSON_AddStringToObject(r, "summary", summary);
	cJSON_AddStringToObject(r, "input_digest", summary);
	d = cJSON_AddObjectToObject(r, "decision");
	cJSON_AddStringToObject(d, "effect", effect);
	cJSON_AddStringToObject(d, "rule", "r1");
	k = cJSON_AddObjectToObject(r, "risk");
	cJSON_AddStringToObject(k, "level", "low");
	cJSON_AddArrayToObject(k, "reasons");
	return r;
}

static void
add(struct guard_report *r, cJSON *c)
{
	guard_report_add(r, c);
	cJSON_Delete(c);
}

TEST(report_json_cannot_close_its_script_block)
{
	struct guard_report *r = guard_report_new();
	/* a script end, an HTML comment, U+2028/9, a lone continuation byte, an overlong '<', a surrogate */
	const char *hostile = "</script><!--<img src=x onerror=alert(1)>&\xe2\x80\xa8\xe2\x80\xa9 \x80 \xc0\xbc \xed\xa0\x80";
	char *json;
	const char *warn = "a </script> warning";
	cJSON *back, *strs, *s;
	bool found = false;

	add(r, rec(1, "2026-03-02T09:00:00.000Z", hostile, "deny", hostile));
	json = guard_report_json(r, warn);
	CHECK(!strchr(json, '<') && !strchr(json, '>') && !strchr(json, '&'));
	CHECK(!strstr(json, "\xe2\x80\xa8") && !strstr(json, "\xe2\x80\xa9"));
	for (const unsigned char *p = (const unsigned char *)json; *p; p++)
		CHECK(*p < 0x80); /* every non-ASCII byte here was hostile: escaped or replaced */
	back = cJSON_Parse(json);
	CHECK(back != NULL);
	strs = cJSON_GetObjectItemCaseSensitive(back, "str");
	cJSON_ArrayForEach(s, strs)
		if (cJSON_IsString(s) && !strncmp(s->valuestring, "</script><!--<img", 17))
			found = true;
	CHECK(found); /* JSON.parse gives the text back, as text */
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(back, "warning")), warn);
	cJSON_Delete(back);
	free(json);
	guard_report_free(r);
}

TEST(report_anomalies_denial_spike_and_repeat)
{
	struct guard_report *r = guard_report_new();
	char ts[64], sum[64];
	unsigned seq = 0;
	cJSON *a, *x;

	/* 8 minutes of 3 calls; minute 4 has 7 denials of different commands; "push" denied in minutes 1 and 6 */
	for (int m = 0; m < 8; m++) {
		int calls = m == 4 ? 7 : 3;
		for (int k = 0; k < calls; k++) {
			snprintf(ts, sizeof(ts), "2026-03-02T09:%02d:%02d.000Z", m, k * 5);
			snprintf(sum, sizeof(sum), "cmd %d %d", m, k);
			if (m == 4)
				add(r, rec(++seq, ts, "s", "deny", sum));
			else if ((m == 1 || m == 6) && k == 0)
				add(r, rec(++seq, ts, "s", "deny", "push"));
			else
				add(r, rec(++seq, ts, "s", "allow", sum));
		}
	}
	a = guard_report_anomalies(r);
	CHECK(cJSON_GetArraySize(a) == 2);
	x = cJSON_GetArrayItem(a, 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "kind")), "repeated_denial");
	CHECK(cJSON_GetObjectItemCaseSensitive(x, "count")->valuedouble == 2);
	x = cJSON_GetArrayItem(a, 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "kind")), "denial_spike");
	CHECK(cJSON_GetObjectItemCaseSensitive(x, "count")->valuedouble == 7);
	CHECK(cJSON_GetObjectItemCaseSensitive(x, "baseline")->valuedouble == 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "from")), "2026-03-02T09:04:00.000Z");
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x, "seqs")) == 7);
	cJSON_Delete(a);
	guard_report_free(r);
}

TEST(report_no_baseline_no_spike)
{
	struct guard_report *r = guard_report_new();
	char ts[64], sum[64];
	cJSON *a;

	/* two active minutes are no baseline, whatever the second holds */
	for (int k = 0; k < 40; k++) {
		snprintf(ts, sizeof(ts), "2026-03-02T09:%02d:%02d.000Z", k ? 1 : 0, k % 60);
		snprintf(sum, sizeof(sum), "c%d", k);
		add(r, rec((unsigned)k + 1, ts, "s", "deny", sum));
	}
	a = guard_report_anomalies(r);
	CHECK(cJSON_GetArraySize(a) == 0);
	cJSON_Delete(a);
	guard_report_free(r);
}

TEST(report_result_joins_its_decision)
{
	struct guard_report *r = guard_report_new();
	cJSON *res = cJSON_CreateObject(), *data, *back, *row;
	char *json;

	add(r, rec(1, "2026-03-02T09:00:00.000Z", "s", "allow", "make"));
	cJSON_AddNumberToObject(res, "seq", 2);
	cJSON_AddStringToObject(res, "ts", "2026-03-02T09:00:01.000Z");
	cJSON_AddStringToObject(res, "event", "tool.result");
	cJSON_AddStringToObject(res, "session", "s");
	cJSON_AddStringToObject(res, "tool", "Bash");
	cJSON_AddStringToObject(res, "input_digest", "make");
	data = cJSON_AddObjectToObject(res, "data");
	cJSON_AddNumberToObject(data, "duration_ms", 1234);
	cJSON_AddTrueToObject(data, "success");
	add(r, res);
	json = guard_report_json(r, NULL);
	back = cJSON_Parse(json);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(back, "rows")) == 1);
	row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(back, "rows"), 0);
	CHECK(cJSON_GetArrayItem(row, 11)->valuedouble == 1234); /* duration */
	CHECK(cJSON_GetArrayItem(row, 12)->valuedouble == 1);    /* success */
	CHECK(cJSON_GetArrayItem(row, 13)->valuedouble == 2);    /* the result's seq */
	CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(back, "stats"), "p50")->valuedouble == 1234);
	cJSON_Delete(back);
	free(json);
	guard_report_free(r);
}

int
main(void)
{
	RUN(report_json_cannot_close_its_script_block);
	RUN(report_anomalies_denial_spike_and_repeat);
	RUN(report_no_baseline_no_spike);
	RUN(report_result_joins_its_decision);
	return unit_done();
}
