/*
 * Kubernetes (kubectl, oc) and helm: reads are low, changes medium,
 * deletes/scale/exec/drain high; a critical namespace (the policy's list;
 * no namespace given means "default") raises one level; scaling to zero,
 * deleting a namespace or --all are critical.
 */
#include <ctype.h>
#include <sys/stat.h>

#include "guard_path.h"

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

static void kubectl_bind(struct risk_state *st, const struct risk_cmd *c, const char *verb, size_t v);

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
	    !strcmp(verb, "completion") || !strcmp(verb, "api-versions") || !strcmp(verb, "kustomize")) {
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
	kubectl_bind(st, c, verb, v);
}

/* -f - / --filename=- among c's options. */
static bool
reads_stdin(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc && strcmp(c->argv[i].text, "--"); i++) {
		const char *a = c->argv[i].text;
		if (((!strcmp(a, "-f") || !strcmp(a, "--filename")) && i + 1 < c->argc && !strcmp(c->argv[i + 1].text, "-")) ||
		    !strcmp(a, "-f-") || !strcmp(a, "-f=-") || !strcmp(a, "--filename=-"))
			return true;
	}
	return false;
}

/*
 * What is applied is what was approved (attack8 I18): the manifests, the
 * kustomization and all it names (J16); a manifest from a URL, or on a
 * stdin the line does not show (bound when it is `< F`, `cat F |`, a
 * kustomize build), as remote, which no approval matches.
 */
static void
kubectl_bind(struct risk_state *st, const struct risk_cmd *c, const char *verb, size_t v)
{
	risk_bind_list_opts(st, c, "-f", "--filename");
	risk_bind_kustomize_opts(st, c, "-k", "--kustomize");
	if (!strcmp(verb, "kustomize")) {
		const struct guard_shell_word *ops[2], dot = { ".", NULL, 0 };
		size_t n = risk_operands(c, v + 1, "-o --output --load-restrictor --reorder --helm-command", ops, 2);
		risk_bind_kustomization(st, n ? ops[0] : &dot);
	}
	if (reads_stdin(c) && !risk_stdin_bound(c))
		risk_bind_remote(st, "the standard input of kubectl -f -");
}

#define HELM_WITH_ARG "-f --values --set --set-string --set-file --set-json --set-literal -n --namespace --version " 	"--repo --username --password --ca-file --cert-file --key-file --kube-context --kubeconfig --timeout " 	"--description --post-renderer --post-renderer-args --history-max -o --output --registry-config " 	"--repository-cache --repository-config --name-template --labels -l --kube-apiserver --kube-as-user " 	"--kube-as-group --kube-ca-file --kube-token --burst-limit --qps --kube-tls-server-name -a --api-versions " 	"--release-name -s --show-only --output-dir --kube-version --keyring --skip-schema-validation-for"

/*
 * The chart helm install/upgrade/template renders and its values (I18,
 * J16): a local folder or .tgz however named (`chart` is the folder when
 * it is there), bound; a chart from a repository (repo/name, oci://,
 * --repo), the dependencies --dependency-update fetches or a values URL
 * as remote, which no approval matches.
 */
static void
helm_bind(struct risk_state *st, const struct risk_cmd *c, size_t v)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, v + 1, HELM_WITH_ARG, &ops);
	const char *repo = risk_opt_value(c, NULL, "--repo");

	for (size_t i = 0; i < n; i++) {
		const char *a = ops[i]->text;
		char *abs = (ops[i]->flags & GUARD_WORD_DYNAMIC) ? NULL : guard_path_resolve(st->cwds[0], a, st->ctx->home);
		struct stat sb;
		bool here = abs && risk_memo_stat(abs, &sb) == 0;
		if (abs && (strstr(a, "://") || (repo && i + 1 == n) ||
			    (!here && strchr(a, '/') && a[0] != '.' && a[0] != '/' && a[0] != '~')))
			risk_bind_remote(st, repo && !strstr(a, "://") ? repo : a);
		else if (abs && (here || i + 1 == n))
			risk_bind_tree(st, abs); /* the chart named last is bound absent when not there */
		free(abs);
	}
	if (risk_arg_has(c, "--dependency-update") || risk_arg_has(c, "--dep-up"))
		risk_bind_remote(st, "the chart dependencies --dependency-update fetches");
	risk_bind_list_opts(st, c, "-f", "--values");
	risk_bind_opts(st, c, NULL, "--post-renderer");
	for (size_t i = v + 1; i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i].text, "--set-file") && strchr(c->argv[i + 1].text, '=')) {
			struct guard_shell_word w = { strchr(c->argv[i + 1].text, '=') + 1, NULL, c->argv[i + 1].flags };
			risk_bind_path(st, &w);
		}
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
		helm_bind(st, c, v);
	}
	else if (!strcmp(verb, "push") || (!strcmp(verb, "plugin") && risk_arg_has(c, "install")))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "helm %s", verb);
	else {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		if (!strcmp(verb, "template"))
			helm_bind(st, c, v); /* piped into kubectl apply -f - (J16) */
	}
}

/*
 * kustomize build DIR prints the rendered manifests (a read; bound, as
 * it is often piped into kubectl apply -f -). With exec or alpha plugins
 * or helm enabled it runs programs; edit/create change kustomization.yaml.
 */
static void
rate_kustomize(struct risk_state *st, const struct risk_cmd *c)
{
	const char *sub = c->argc > 1 ? c->argv[1].text : "";

	if (!strcmp(sub, "build")) {
		const struct guard_shell_word *ops[2], dot = { ".", NULL, 0 };
		size_t n = risk_operands(c, 2, "-o --output --load-restrictor --reorder --helm-command --env -e "
					 "--mount --network-name --helm-api-versions --helm-kube-version", ops, 2);
		if (risk_arg_has(c, "--enable-exec") || risk_arg_has(c, "--enable-alpha-plugins") ||
		    risk_arg_has(c, "--enable-helm") || risk_arg_has(c, "--enable-star"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "kustomize build runs plugins or helm");
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		risk_bind_kustomization(st, n ? ops[0] : &dot);
	} else if (!strcmp(sub, "edit") || !strcmp(sub, "create") || !strcmp(sub, "init")) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "kustomize %s changes a kustomization", sub);
	} else if (!strcmp(sub, "version") || !strcmp(sub, "completion") || !strcmp(sub, "help") || !*sub) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "kustomize %s", sub);
	}
}

const char *const risk_k8s_verbs[] = { "kubectl", "oc", "k", "microk8s.kubectl", "helm", "kustomize", NULL };

bool
risk_verb_k8s(struct risk_state *st, struct risk_cmd *c)
{
	if (!strcmp(c->name, "kubectl") || !strcmp(c->name, "oc") || !strcmp(c->name, "k") ||
	    !strcmp(c->name, "microk8s.kubectl"))
		rate_kubectl(st, c);
	else if (!strcmp(c->name, "helm"))
		rate_helm(st, c);
	else if (!strcmp(c->name, "kustomize"))
		rate_kustomize(st, c);
	else
		return false;
	return true;
}
