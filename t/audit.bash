# Shared by the audit log's suites (guard-audit.bats, audit-trust.bats):
# a fresh project per test, its log folder, today's day file, and records.

setup() {
	setup_guard
	LOG=$PROJ/.ai/audit
}

day() { date -u +%Y-%m-%d; }
logfile() { echo "$LOG/$(day).jsonl"; }

# n records from the shell, never synced: a test that rewrites them by hand
# is not also caught by the synced-record watermark (tests of it sync)
fill() { for i in $(seq "$1"); do guard-audit log --fsync never test.event n="$i" >/dev/null; done; }
