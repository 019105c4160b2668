/*
 * Data stores and volumes guard had no verb for: key-value and secret
 * stores (etcdctl, consul, vault), time series (influx), PostgreSQL's
 * clusters (pg_dropcluster), volume managers (LVM, ZFS, btrfs, mdadm) and
 * the journal. Each verb is rated by what it does to the data: removing a
 * whole store, pool or volume is critical; removing keys, secrets or
 * points is high, and critical when it takes everything under a prefix
 * that is empty or the root; writes are medium; reads are low, except
 * reading secrets (vault kv get, vault read), which guard rates as
 * printing credentials (guard_risk_secret.c).
 */
#include "guard_risk_int.h"

const char *const risk_stores_verbs[] = { "etcdctl", "consul", "vault", "influx", "pg_dropcluster", "lvremove",
	"vgremove", "pvremove", "lvreduce", "zpool", "zfs", "btrfs", "mdadm", "journalctl", "lvm", NULL };

/* The i-th operand (0: the subcommand), skipping options and the values of with_arg's. */
static const char *
operand(const struct risk_cmd *c, size_t i, const char *with_arg)
{
	const struct guard_shell_word *ops[8];
	size_t n = risk_operands(c, 1, with_arg, ops, 8);
	return i < n ? ops[i]->text : "";
}

static bool
is_any(const char *word, const char *const *names)
{
	return risk_name_in(names, word);
}

/* An empty prefix, "/" or a lone "*": every key. */
static bool
whole_space(const char *key)
{
	return !*key || !strcmp(key, "/") || !strcmp(key, "*") || !strcmp(key, "\"\"");
}

/* A switch given as NAME, NAME=true or NAME=1 (Go's flag package). */
static bool
flag_on(const struct risk_cmd *c, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strncmp(t, name, n) && (!t[n] || !strcmp(t + n, "=true") || !strcmp(t + n, "=1")))
			return true;
	}
	return false;
}

/*
 * The index among c's operands of the first that is one of verbs (an
 * option's value guard does not list may come first: etcdctl
 * --keepalive-time 2s del), or 0.
 */
static size_t
verb_index(const struct risk_cmd *c, const char *with, const char *const *verbs)
{
	const struct guard_shell_word *ops[8];
	size_t n = risk_operands(c, 1, with, ops, 8);
	for (size_t i = 0; i < n; i++)
		if (risk_name_in(verbs, ops[i]->text))
			return i;
	return 0;
}

static void
rate_etcd(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const verbs[] = { "del", "rm", "rmdir", "put", "set", "mk", "mkdir", "update", "get", "ls",
		"watch", "snapshot", "member", "auth", "role", "user", "lease", "alarm", "move-leader", "downgrade", "txn",
		"compaction", "defrag", "lock", "elect", "endpoint", "version", "check", NULL };
	const char *with = "--endpoints --cacert --cert --key --user --password --command-timeout --dial-timeout -w "
			   "--write-out --keepalive-time --keepalive-timeout --discovery-srv --discovery-srv-name";
	size_t v = verb_index(c, with, verbs);
	const char *sub = operand(c, v, with), *key = operand(c, v + 1, with);
	bool prefix = flag_on(c, "--prefix") || flag_on(c, "--from-key") || flag_on(c, "--recursive") ||
		      flag_on(c, "-r");

	if (!strcmp(sub, "rm") || !strcmp(sub, "rmdir")) /* the v2 API: rm -r /, rmdir */
		sub = "del";
	if (!strcmp(sub, "del"))
		risk_rule(st, prefix && whole_space(key) ? GUARD_LEVEL_CRITICAL : GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "etcdctl del deletes %s", prefix && whole_space(key) ? "every key" : prefix ? "keys under a prefix" : "a key");
	else if (!strcmp(sub, "snapshot") && !strcmp(key, "restore"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "etcdctl snapshot restore replaces the data");
	else if (is_any(sub, (const char *const[]){ "member", "auth", "role", "user", "lease", "alarm", "move-leader",
						    "downgrade", NULL }) &&
		 !is_any(key, (const char *const[]){ "list", "get", "status", "timetolive", NULL }))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "etcdctl %s %s changes the cluster", sub, key);
	else if (is_any(sub, (const char *const[]){ "put", "txn", "compaction", "defrag", "lock", "elect", NULL }))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "etcdctl %s writes", sub);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

static void
rate_consul(struct risk_state *st, const struct risk_cmd *c)
{
	const char *sub = operand(c, 0, NULL), *verb = operand(c, 1, NULL), *key = operand(c, 2, NULL);
	bool recurse = flag_on(c, "-recurse") || flag_on(c, "--recurse");

	if (strcmp(sub, "kv") && (!strcmp(verb, "delete") || !strcmp(key, "delete") || !strcmp(verb, "deregister")))
		/* consul acl token delete, consul config delete, services deregister */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "consul %s %s deletes what the cluster runs on", sub, verb);
	else if (!strcmp(sub, "kv") && !strcmp(verb, "delete"))
		risk_rule(st, recurse && whole_space(key) ? GUARD_LEVEL_CRITICAL : GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "consul kv delete deletes %s", recurse && whole_space(key) ? "every key" : recurse ? "keys under a prefix" : "a key");
	else if (!strcmp(sub, "snapshot") && !strcmp(verb, "restore"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "consul snapshot restore replaces the data");
	else if (!strcmp(sub, "leave") || !strcmp(sub, "force-leave") ||
		 ((!strcmp(sub, "acl") || !strcmp(sub, "intention") || !strcmp(sub, "config") || !strcmp(sub, "services")) &&
		  (!strcmp(verb, "delete") || !strcmp(verb, "deregister") || !strcmp(verb, "set-agent-token"))))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "consul %s %s changes the cluster", sub, verb);
	else if ((!strcmp(sub, "kv") && (!strcmp(verb, "put") || !strcmp(verb, "import"))) ||
		 !strcmp(verb, "write") || !strcmp(verb, "create") || !strcmp(verb, "register"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "consul %s %s writes", sub, verb);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

static void
rate_vault(struct risk_state *st, const struct risk_cmd *c)
{
	const char *with = "-address -namespace -ca-cert -client-cert -client-key -format -field -mount -version "
			   "-versions -path -method";
	const char *sub = operand(c, 0, with), *verb = operand(c, 1, with);

	if ((!strcmp(sub, "secrets") && (!strcmp(verb, "disable") || !strcmp(verb, "move"))) ||
	    (!strcmp(sub, "operator") && (!strcmp(verb, "seal") || !strcmp(verb, "step-down") || !strcmp(verb, "raft") ||
					  !strcmp(verb, "rekey") || !strcmp(verb, "generate-root"))))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "vault %s %s %s", sub, verb,
			  !strcmp(sub, "secrets")				      ? "removes every secret of the engine"
			  : !strcmp(verb, "seal") || !strcmp(verb, "step-down") ? "stops the service"
									       : "changes the vault's keys or cluster");
	else if ((!strcmp(sub, "kv") && (!strcmp(verb, "delete") || !strcmp(verb, "destroy") ||
					  (!strcmp(verb, "metadata") && !strcmp(operand(c, 2, with), "delete")))) ||
		 !strcmp(sub, "delete") || (!strcmp(sub, "lease") && !strcmp(verb, "revoke")) ||
		 (!strcmp(sub, "token") && !strcmp(verb, "revoke")) ||
		 ((!strcmp(sub, "auth") || !strcmp(sub, "audit")) && !strcmp(verb, "disable")) ||
		 (!strcmp(sub, "policy") && !strcmp(verb, "delete")))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "vault %s%s%s deletes or revokes secrets or access", sub,
			  *verb ? " " : "", verb);
	else if (!strcmp(sub, "write") || (!strcmp(sub, "kv") && (!strcmp(verb, "put") || !strcmp(verb, "patch"))) ||
		 !strcmp(verb, "enable") || !strcmp(verb, "tune") || (!strcmp(sub, "policy") && !strcmp(verb, "write")))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "vault %s%s%s writes", sub, *verb ? " " : "", verb);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

static void
rate_influx(struct risk_state *st, const struct risk_cmd *c)
{
	const char *with = "--host -t --token -o --org --org-id -b --bucket --bucket-id --start --stop -p "
			   "--predicate --configs-path -c --active-config";
	const char *sub = operand(c, 0, with), *verb = operand(c, 1, with);

	/* the 1.x shell (-execute, stdin) is guard_risk_sql.c's */
	if (!strcmp(sub, "delete"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "influx delete deletes points%s",
			  risk_opt_value(c, "-p", "--predicate") ? "" : " (no predicate: all in the range)");
	else if (!strcmp(verb, "delete") || !strcmp(verb, "remove") || !strcmp(sub, "restore"))
		risk_rule(st, !strcmp(sub, "bucket") || !strcmp(sub, "org") ? GUARD_LEVEL_CRITICAL : GUARD_LEVEL_HIGH,
			  GUARD_CLASS_DELETE, "influx %s %s %s", sub, verb,
			  !strcmp(sub, "restore") ? "replaces the data" : "removes it with its data");
	else if (!strcmp(sub, "write") || !strcmp(verb, "create") || !strcmp(verb, "update"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "influx %s %s writes", sub, verb);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

/* LVM, ZFS, btrfs, mdadm: a pool, volume, dataset or array removed takes its data with it. */
static void
rate_volumes(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name, *sub = operand(c, 0, "-o -O -t -R"), *verb = operand(c, 1, "-o -O -t -R");

	if (!strcmp(n, "lvremove") || !strcmp(n, "vgremove") || !strcmp(n, "pvremove") ||
	    ((!strcmp(n, "zpool") || !strcmp(n, "zfs")) && (!strcmp(sub, "destroy") || !strcmp(sub, "labelclear"))) ||
	    (!strcmp(n, "btrfs") && !strncmp(verb, "del", 3)) || /* btrfs takes any unique start: sub del */
	    (!strcmp(n, "mdadm") && (risk_arg_prefix(c, "--zero") || risk_arg_prefix(c, "--create") || risk_arg_has(c, "-C"))))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s%s%s destroys a volume or pool with its data", n,
			  *sub && strcmp(n, "lvremove") && strcmp(n, "vgremove") && strcmp(n, "pvremove") ? " " : "",
			  strcmp(n, "lvremove") && strcmp(n, "vgremove") && strcmp(n, "pvremove") ? sub : "");
	else if (!strcmp(n, "lvreduce") || (!strcmp(n, "zfs") && !strcmp(sub, "rollback")) ||
		 (!strcmp(n, "zpool") && (!strcmp(sub, "detach") || !strcmp(sub, "remove") || !strcmp(sub, "offline"))) ||
		 (!strcmp(n, "mdadm") && (risk_arg_has(c, "--fail") || risk_arg_has(c, "--remove") || risk_arg_has(c, "--stop"))))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s %s loses or hides data on a volume", n,
			  !strcmp(n, "lvreduce") ? "shrinks a volume:" : sub);
	else if ((!strcmp(n, "zpool") || !strcmp(n, "zfs") || !strcmp(n, "btrfs")) &&
		 (!strcmp(sub, "list") || !strcmp(sub, "status") || !strcmp(sub, "get") || !strcmp(sub, "iostat") ||
		  !strcmp(sub, "snapshot") || !strcmp(sub, "snap") || !strcmp(sub, "send") || !strcmp(sub, "diff") ||
		  !strcmp(sub, "history") || !strcmp(sub, "events") ||
		  !strcmp(verb, "list") || !strcmp(verb, "show") || !strcmp(verb, "df") || !strcmp(sub, "version")))
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	else if (!strcmp(n, "mdadm") && (risk_arg_has(c, "--detail") || risk_arg_has(c, "-D") ||
					 risk_arg_has(c, "--examine") || risk_arg_has(c, "-E")))
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	else
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s%s%s changes storage volumes", n, *sub ? " " : "", sub);
}

/* journalctl reads, except --vacuum-* (deletes archived logs), --rotate and --flush. */
static void
rate_journal(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++)
		if (!strncmp(c->argv[i].text, "--vacuum-", 9)) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "journalctl %.*s deletes the system's logs",
				  (int)strcspn(c->argv[i].text, "="), c->argv[i].text);
			return;
		}
	if (risk_arg_has(c, "--rotate") || risk_arg_has(c, "--flush") || risk_arg_has(c, "--relinquish-var"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "journalctl changes the journal's files");
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

bool
risk_verb_stores(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "etcdctl"))
		rate_etcd(st, c);
	else if (!strcmp(n, "consul"))
		rate_consul(st, c);
	else if (!strcmp(n, "vault"))
		rate_vault(st, c);
	else if (!strcmp(n, "influx"))
		rate_influx(st, c);
	else if (!strcmp(n, "pg_dropcluster"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "pg_dropcluster deletes a PostgreSQL cluster with its data");
	else if (!strcmp(n, "journalctl"))
		rate_journal(st, c);
	else if (!strcmp(n, "lvm") && c->argc > 1) { /* lvm lvremove ...: the tool named */
		struct risk_cmd inner = *c;
		inner.argv++;
		inner.argc--;
		risk_set_name(&inner);
		risk_analyse_cmd(st, &inner);
	} else
		rate_volumes(st, c);
	return true;
}
