/*
 * Kubernetes (kubectl, oc) and helm: reads are low, changes medium,
 * deletes/scale/exec/drain high; a critical namespace (the policy's list;
 * no namespace given means "default") raises one level; scaling to zero,
 * deleting a namespace or --all are critical.
 */
#include <ctype.h>

#include "guard_risk_int.h"

static const char *const default_critical_ns[] = { "production", "prod", "default", "kube-system", NULL };

bool
risk_namespace_critical(const struct risk_state *st, const char *ns)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;

	if (!ns || !*ns)
		ns = "default";
	if (!strcmp(ns, "*"))
		return true; /* all namespaces include the critical ones */
	if (!cfg) {
		for (size_t i = 0; default_critical_ns[i]; i++)
			if (!strcmp(default_critical_ns[i], ns))
				return true;
		return false;
	}
	for (size_t i = 0; i < cfg->ncritical_namespaces; i++)
		if (!strcmp(cfg->critical_namespaces[i], ns))
			return true;
	return false;
}

static enum guard_level
up(enum guard_level l)
{
	return l < GUARD_LEVEL_CRITICAL ? l + 1 : l;
}

/* The namespace a kubectl/helm command acts on ("*" for all). */
static const char *
namespace_of(const struct risk_cmd *c)
{
	const char *ns = risk_opt_value(c, "-n", "--namespace");
	if (risk_flag(c, 'A', "all-namespaces"))
		return "*";
	if (ns && ns[0] == '=') /* -n=prod */
		ns++;
	return ns && *ns ? ns : "default";
}

/* A count that is zero however written: "0", "00", "+0". */
bool
risk_count_zero(const char *s)
{
	if (!s)
		return false;
	if (*s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s != '0')
			return false;
	return true;
}

/*
 * A patch (JSON merge, strategic or JSON patch, or YAML) that sets
 * replicas to zero: the first number after each "replicas" is 0.
 */
bool
risk_patch_zero_replicas(const char *patch)
{
	for (const char *p = patch ? strstr(patch, "replicas") : NULL; p; p = strstr(p + 8, "replicas")) {
		const char *q = p + 8;
		size_t k = 0;
		while (q[k] && k < 48 && !isdigit((unsigned char)q[k]) && q[k] != '}' && q[k] != ']')
			k++;
		if (!isdigit((unsigned char)q[k]))
			continue;
		size_t n = strspn(q + k, "0123456789");
		if (strspn(q + k, "0") == n)
			return true;
	}
	return false;
}

/*
 * --dry-run=client|server (or bare, the old client form): nothing
 * changes. Not after an option that takes a value: kubectl's flags
 * (pflag) take the next word whatever it looks like, so in `kubectl apply
 * -f x.yaml --field-manager --dry-run` it is a field manager's name.
 * Any other value (none, false, a typo) is no dry run.
 */
static bool
dry_run(const struct risk_cmd *c)
{
	static const char *const switches[] = { "--all", "--all-namespaces", "-A", "--wait", "--force", "--now",
						"--ignore-not-found", "--recursive", "-R", "--overwrite", "--record",
						"--server-side", "--prune", "--local", "--watch", "-w", "--list",
						"--insecure-skip-tls-verify", NULL };

	bool dry = false;

	/* the last --dry-run wins, as pflag keeps it: --dry-run=client --dry-run=none is a real run */
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "--"))
			break;
		if (strncmp(t, "--dry-run", 9) || (t[9] && t[9] != '=') || risk_after_value_option(c, i, switches))
			continue;
		dry = !t[9] || !strcmp(t + 10, "client") || !strcmp(t + 10, "server") || !strcmp(t + 10, "true");
	}
	return dry;
}

/* The first word after the global options: the verb. */
static size_t
verb_index(const struct risk_cmd *c, const char *with_arg)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] != '-')
			return i;
		if (!strchr(t, '=') && strstr(with_arg, t) && strlen(t) > 1)
			i++;
	}
	return c->argc;
}

static void
rate_with_ns(struct risk_state *st, const char *tool, const char *what, enum guard_level level, char cls,
	     const char *ns)
{
	bool crit = risk_namespace_critical(st, ns);
	if (crit)
		risk_rule(st, up(level), cls, "%s %s in critical namespace %s", tool, what, !strcmp(ns, "*") ? "(all)" : ns);
	else if (level > GUARD_LEVEL_LOW)
		risk_rule(st, level, cls, "%s %s in namespace %s", tool, what, ns);
	else
		risk_base(st, level, cls);
}

static void
rate_kubectl(struct risk_state *st, const struct risk_cmd *c)
{
	size_t v = verb_index(c, "-n --namespace --context --cluster --kubeconfig -s --server --user -l --selector -o -f --filename -c --container");
	const char *verb = v < c->argc ? c->argv[v].text : "";
	const char *ns = namespace_of(c);
	const char *kind = v + 1 < c->argc ? c->argv[v + 1].text : "";

	if (dry_run(c) && strcmp(verb, "exec") && strcmp(verb, "run") && strcmp(verb, "debug")) {
		risk_explain(st, "    kubectl --dry-run: nothing changes");
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (!*verb || !strcmp(verb, "get") || !strcmp(verb, "describe") || !strcmp(verb, "logs") ||
	    !strcmp(verb, "top") || !strcmp(verb, "explain") || !strcmp(verb, "version") ||
	    !strcmp(verb, "api-resources") || !strcmp(verb, "cluster-info") || !strcmp(verb, "config") ||
	    !strcmp(verb, "auth") || !strcmp(verb, "diff") || !strcmp(verb, "events") || !strcmp(verb, "wait") ||
	    !strcmp(verb, "completion") || !strcmp(verb, "api-versions")) {
		if (!strcmp(verb, "get") && (!strncmp(kind, "secret", 6) || strstr(kind, ",secret")))
			/* the one read a critical namespace raises: its credentials */
			rate_with_ns(st, "kubectl", "get secrets", GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, ns);
		else if (!strcmp(verb, "config") && !strcmp(kind, "view") && risk_arg_has(c, "--raw"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "kubectl config view --raw shows credentials");
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(verb, "delete")) {
		if (!strcmp(kind, "namespace") || !strcmp(kind, "ns") || !strncmp(kind, "namespace/", 10) ||
		    !strncmp(kind, "ns/", 3))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "kubectl delete namespace");
		else if (risk_arg_has(c, "--all") || risk_flag(c, 'A', "all-namespaces"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "kubectl delete --all");
		else if (!strcmp(kind, "pv") || !strcmp(kind, "pvc") || !strncmp(kind, "persistentvolume", 16) ||
			 !strcmp(kind, "crd") || !strncmp(kind, "customresourcedefinition", 24) || !strcmp(kind, "node"))
			rate_with_ns(st, "kubectl", "delete of storage or cluster objects", GUARD_LEVEL_CRITICAL,
				     GUARD_CLASS_DELETE, ns);
		else
			rate_with_ns(st, "kubectl", "delete", GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, ns);
	} else if (!strcmp(verb, "scale")) {
		const char *rep = risk_opt_value(c, NULL, "--replicas");
		if (risk_count_zero(rep))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "kubectl scale --replicas=0 stops the workload");
		else
			rate_with_ns(st, "kubectl", "scale", GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, ns);
	} else if (!strcmp(verb, "exec") || !strcmp(verb, "attach") || !strcmp(verb, "debug") ||
		   !strcmp(verb, "cp") || !strcmp(verb, "port-forward") || !strcmp(verb, "proxy")) {
		rate_with_ns(st, "kubectl", verb, strcmp(verb, "port-forward") && strcmp(verb, "proxy")
			     ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, ns);
	} else if (!strcmp(verb, "drain") || !strcmp(verb, "cordon") || !strcmp(verb, "uncordon") ||
		   !strcmp(verb, "taint")) {
		/* nodes have no namespace */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "kubectl %s changes a cluster node", verb);
	} else if (!strcmp(verb, "replace")) {
		rate_with_ns(st, "kubectl", verb, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, ns);
	} else if (!strcmp(verb, "rollout")) {
		if (!strcmp(kind, "status") || !strcmp(kind, "history"))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else
			rate_with_ns(st, "kubectl rollout", kind, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, ns);
	} else if (!strcmp(verb, "patch") && risk_patch_zero_replicas(risk_opt_value(c, "-p", "--patch"))) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "kubectl patch sets replicas to 0: stops the workload");
	} else {
		/* apply, create, patch, edit, label, annotate, set, run, expose, autoscale */
		rate_with_ns(st, "kubectl", verb, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, ns);
		if (risk_arg_has(c, "--force") || risk_arg_has(c, "--prune"))
			rate_with_ns(st, "kubectl", "with --force/--prune", GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, ns);
	}
	const char *f = risk_opt_value(c, "-f", "--filename");
	if (f && strcmp(f, "-") && !strstr(f, "://")) {
		struct guard_shell_word w = { (char *)f, NULL, 0 };
		risk_path(st, "kubectl -f", &w, PATH_READ);
	}
	/* what is applied is what was approved (attack8 I18) */
	risk_bind_opts(st, c, "-f", "--filename");
	risk_bind_opts(st, c, "-k", "--kustomize");
}

static void
rate_helm(struct risk_state *st, const struct risk_cmd *c)
{
	size_t v = verb_index(c, "-n --namespace --kube-context --kubeconfig --repository-config");
	const char *verb = v < c->argc ? c->argv[v].text : "";
	const char *ns = namespace_of(c);

	if (!strcmp(verb, "uninstall") || !strcmp(verb, "delete") || !strcmp(verb, "del") || !strcmp(verb, "un"))
		rate_with_ns(st, "helm", "uninstall", GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, ns);
	else if (!strcmp(verb, "rollback"))
		rate_with_ns(st, "helm", "rollback", GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, ns);
	else if (!strcmp(verb, "install") || !strcmp(verb, "upgrade")) {
		rate_with_ns(st, "helm", verb, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, ns);
		/* the chart (a local folder or .tgz; a repo name binds as absent) and its values files (I18) */
		for (size_t i = v + 1; i < c->argc && strcmp(c->argv[i].text, "--"); i++) {
			const char *a = c->argv[i].text;
			if (a[0] == '-') {
				if (!strchr(a, '=') && i + 1 < c->argc && c->argv[i + 1].text[0] != '-' &&
				    strcmp(a, "--atomic") && strcmp(a, "--wait") && strcmp(a, "--install") &&
				    strcmp(a, "-i") && strcmp(a, "--dry-run") && strcmp(a, "--debug") &&
				    strcmp(a, "--create-namespace") && strcmp(a, "--force") && strcmp(a, "--reuse-values"))
					i++; /* an option's value (-f values.yaml is bound below) */
				continue;
			}
			if (strchr(a, '/') || strchr(a, '.'))
				risk_bind_path(st, &c->argv[i]);
		}
		risk_bind_opts(st, c, "-f", "--values");
	}
	else if (!strcmp(verb, "push") || (!strcmp(verb, "plugin") && risk_arg_has(c, "install")))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "helm %s", verb);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

const char *const risk_k8s_verbs[] = { "kubectl", "oc", "k", "microk8s.kubectl", "helm", NULL };

bool
risk_verb_k8s(struct risk_state *st, struct risk_cmd *c)
{
	if (!strcmp(c->name, "kubectl") || !strcmp(c->name, "oc") || !strcmp(c->name, "k") ||
	    !strcmp(c->name, "microk8s.kubectl"))
		rate_kubectl(st, c);
	else if (!strcmp(c->name, "helm"))
		rate_helm(st, c);
	else
		return false;
	return true;
}
